package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.PollOptions;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.ResponseMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long polling with {@code pollOptions.waitMs} (spec 70 group N). */
class LongPollTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;
  final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  final List<ObjectNode> observed = new ArrayList<>();

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private CompletableFuture<ObjectNode> await(long waitMs) {
    return await(waitMs, null);
  }

  private CompletableFuture<ObjectNode> await(long waitMs, PollOptions o) {
    return f.json.longPoll(
        id, new PollRequest(null, 1, ResponseMode.MINIMAL, o), waitMs, cancelled, observed::add);
  }

  @Test
  void n1AvailableEventsReturnAtOnce() {
    f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'x'}");
    CompletableFuture<ObjectNode> r = await(60_000);
    assertTrue(r.isDone());
    assertEquals(1, r.join().get("events").size());
    assertEquals(0, f.timer.pending());
  }

  @Test
  void n2AnEventEndsTheWaitEarly() {
    CompletableFuture<ObjectNode> r = await(60_000);
    assertFalse(r.isDone());
    assertEquals(1, f.waiterCount(id));
    f.timer.advanceMillis(50);
    assertFalse(r.isDone());
    f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'x'}");
    assertTrue(r.isDone());
    ObjectNode resp = r.join();
    assertEquals("item/agentMessage/delta", resp.at("/events/0/data/method").asText());
    assertEquals("working", resp.get("interactionState").asText());
    assertEquals(0, f.waiterCount(id));
    assertEquals(0, f.timer.pending(), "the slice timer is cancelled");
  }

  @Test
  void n3NothingArrivesReturnsEmptyAtTheDeadline() {
    CompletableFuture<ObjectNode> r = await(12_000);
    f.timer.advanceMillis(11_999);
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    assertTrue(r.isDone());
    assertEquals(0, r.join().get("events").size());
    assertEquals("running", r.join().get("status").asText());
    assertFalse(observed.isEmpty(), "each wait round reports progress");
  }

  @Test
  void n3WaitsInSlicesOfAtMostFiveSeconds() {
    await(60_000);
    assertEquals(List.of(Duration.ofMillis(5_000)), f.timer.pendingDelays());
    f.timer.advanceMillis(5_000);
    assertEquals(List.of(Duration.ofMillis(5_000)), f.timer.pendingDelays());
  }

  @Test
  void n4WaitIsClampedTo120Seconds() {
    CompletableFuture<ObjectNode> r = await(500_000);
    f.timer.advanceMillis(119_999);
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    assertTrue(r.isDone());
  }

  @Test
  void n5AFifthWaiterGetsAnImmediatePoll() {
    List<CompletableFuture<ObjectNode>> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiting.add(await(60_000));
    }
    assertEquals(4, f.waiterCount(id));
    CompletableFuture<ObjectNode> fifth = await(60_000);
    assertTrue(fifth.isDone());
    assertEquals(0, fifth.join().get("events").size());
    assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone));
    f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'x'}");
    assertTrue(waiting.stream().allMatch(CompletableFuture::isDone));
  }

  @Test
  void n6TerminalSessionReturnsTheResultAtOnce() {
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    f.poll(id, null, 100);
    CompletableFuture<ObjectNode> r = await(60_000);
    assertTrue(r.isDone());
    assertEquals("turn_mock", r.join().at("/result/turnId").asText());
    assertEquals("none", r.join().get("recommendedNextAction").asText());
  }

  @Test
  void n7SkipDeltasKeepsWaitingThroughDeltasAndEndsOnAnApproval() {
    CompletableFuture<ObjectNode> r = await(60_000, options(null, null, null, true, null, null));
    f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'x'}");
    f.notify(id, "item/commandExecution/outputDelta", "{'itemId':'c','delta':'y'}");
    assertFalse(r.isDone());
    assertEquals(2, f.lastEventCursor(id), "the deltas were consumed");
    f.commandApproval(id, 1);
    assertTrue(r.isDone());
    ObjectNode resp = r.join();
    assertEquals(1, resp.get("actions").size());
    assertEquals("approval_request", resp.at("/events/0/type").asText());
  }

  @Test
  void n8ApprovalEndsTheWait() {
    CompletableFuture<ObjectNode> r = await(60_000, options(false, null, null, null, null, null));
    f.commandApproval(id, 1);
    assertTrue(r.isDone());
    assertEquals("waiting_approval", r.join().get("status").asText());
    assertEquals("respond_permission", r.join().get("recommendedNextAction").asText());
    assertEquals("waiting_input", r.join().get("interactionState").asText());
  }

  @Test
  void n9ClientCancellationEndsTheWait() {
    CompletableFuture<ObjectNode> r = await(60_000);
    cancelled.complete(null);
    assertTrue(r.isDone());
    assertEquals(0, r.join().get("events").size());
    assertEquals(0, f.waiterCount(id));
    assertEquals(0, f.timer.pending());
  }

  @Test
  void n9AlreadyCancelledRequestDoesNotWait() {
    cancelled.complete(null);
    assertTrue(await(60_000).isDone());
    assertEquals(0, f.waiterCount(id));
  }

  @Test
  void shutdownEndsTheWait() {
    CompletableFuture<ObjectNode> r = await(60_000);
    f.manager.close();
    assertTrue(r.isDone());
  }

  @Test
  void evictionEndsTheWaitWithSessionNotFound() {
    f.notify(id, "error", "{'message':'x'}");
    f.poll(id, null, 100);
    CompletableFuture<ObjectNode> r = await(60_000, options(null, null, false, null, null, null));
    assertFalse(r.isDone());
    f.json.clean(new SessionRequests.Clean(null, null, false, true));
    // Regression: the wait used to go on polling the evicted session until its deadline.
    assertTrue(r.isDone());
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session '" + id + "' not found",
        io.github.codexmcp.testing.Futures.failureMessage(r));
    assertEquals(0, f.timer.pending());
  }
}
