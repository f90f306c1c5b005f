package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keeper settles an approval nobody answers once its timeout has passed, and only then. */
class ApprovalSettlerTest {
  static final String SID = "sess_settle00001";
  static final String COMMAND = "item/commandExecution/requestApproval";
  final ManualClock clock = new ManualClock();
  final ApprovalSettler settler = new ApprovalSettler(clock);
  final JsonNode params = Json.object().put("itemId", "c1").put("command", "rm -rf x");

  @Test
  void aRequestIsDeclinedOnceItsTimeoutHasPassedSinceItWasRaised() {
    long raised = clock.millis() - 40_000; // raised 40 s ago, while its server lived
    settler.requested(SID, IntNode.valueOf(3), COMMAND, params, raised, Duration.ofSeconds(60));
    assertTrue(settler.waiting(SID));
    clock.advance(Duration.ofSeconds(19));
    assertTrue(settler.due(SID).isEmpty(), "59 s after it was raised: not yet");
    clock.advance(Duration.ofSeconds(1));
    List<ApprovalSettler.Settlement> due = settler.due(SID);
    assertEquals(1, due.size());
    assertEquals(3, due.get(0).rpcId().asInt());
    assertEquals("decline", due.get(0).result().path("decision").asText(), due.toString());
    assertTrue(settler.due(SID).isEmpty(), "answered once");
    assertFalse(settler.waiting(SID));
  }

  @Test
  void withoutARaisedTimeTheTimeoutCountsFromNow() {
    settler.requested(SID, IntNode.valueOf(4), COMMAND, params, null, Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(9));
    assertTrue(settler.due(SID).isEmpty());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, settler.due(SID).size());
  }

  @Test
  void aRequestAnsweredElsewhereOrForgottenIsNotSettled() {
    settler.requested(SID, IntNode.valueOf(5), COMMAND, params, null, Duration.ofSeconds(1));
    settler.resolved(SID, IntNode.valueOf(5));
    settler.requested("sess_other000001", IntNode.valueOf(5), COMMAND, params, null, Duration.ZERO);
    settler.forget("sess_other000001");
    clock.advance(Duration.ofSeconds(5));
    assertTrue(settler.due(SID).isEmpty());
    assertTrue(settler.due("sess_other000001").isEmpty());
  }

  @Test
  void requestsThatAreNotParkedForAUserAreIgnored() {
    settler.requested(
        SID, IntNode.valueOf(6), "account/chatgptAuthTokens/refresh", params, null, Duration.ZERO);
    assertFalse(settler.waiting(SID));
  }

  @Test
  void theLoggedRequestAboutTheSameItemGivesTheRaisedTime(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("events.jsonl");
    Files.writeString(
        log,
        line(0, "approval_request", "c1", "2026-02-15T09:00:00.000Z")
            + line(1, "approval_request", "c2", "2026-02-15T09:05:00.000Z")
            + line(2, "progress", "c3", "2026-02-15T09:06:00.000Z"));
    assertEquals(
        Instant.parse("2026-02-15T09:00:00.000Z").toEpochMilli(), LastApproval.raisedAt(log, "c1"));
    assertEquals(
        Instant.parse("2026-02-15T09:05:00.000Z").toEpochMilli(), LastApproval.raisedAt(log, "c2"));
    assertEquals(
        null, LastApproval.raisedAt(log, "c3"), "raised after its server died: not logged");
    assertEquals(null, LastApproval.raisedAt(log, null));
    assertEquals(null, LastApproval.raisedAt(dir.resolve("missing.jsonl"), "c1"));
  }

  private static String line(int seq, String type, String itemId, String at) {
    return "{\"seq\":"
        + seq
        + ",\"type\":\""
        + type
        + "\",\"data\":{\"itemId\":\""
        + itemId
        + "\"},\"timestamp\":\""
        + at
        + "\"}\n";
  }
}
