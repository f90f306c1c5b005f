package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.codex.SteerInput;
import io.github.codexmcp.codex.appserver.AppServerBackendFactory;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import io.github.codexmcp.testing.appserver.RecordingListener;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ScheduledTimer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code turn/steer} and {@code review/start} as the real Codex app-server answers them (the
 * protocol facts the session layer relies on), against a scripted model.
 */
@Timeout(120)
class SteerAndReviewIT {
  private ScriptedModelServer model;
  private CodexTestHome home;
  private ScheduledTimer timer;
  private CodexBackend backend;
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    timer = new ScheduledTimer();
    SystemProcessLauncher system = new SystemProcessLauncher(timer);
    ProcessLauncher launcher =
        spec -> {
          Map<String, String> merged = new HashMap<>(spec.env());
          merged.putAll(home.env());
          return system.start(
              new ProcessSpec(spec.command(), spec.cwd(), merged, spec.stdinFromNull()));
        };
    AppServerBackendFactory factory =
        new AppServerBackendFactory(
            new ResolvedExecutable(CodexCli.get().launcher().toString(), true, "env_path"),
            launcher,
            timer,
            home.env(),
            true);
    backend =
        factory.create(
            "steer-it",
            new LaunchOptions(null, null, "never", "workspace-write", null, home.workDir()));
    backend.setListener(listener);
    backend.start().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (backend != null) {
      backend.destroy().get(15, TimeUnit.SECONDS);
    }
    timer.close();
    home.close();
    model.close();
  }

  private String thread() throws Exception {
    ObjectNode p = Json.object().put("cwd", home.workDir().toString());
    p.put("approvalPolicy", "never").put("sandbox", "workspace-write");
    return backend.threadStart(p).get(60, TimeUnit.SECONDS).path("thread").path("id").asText();
  }

  private String turn(String threadId, String text) throws Exception {
    ObjectNode p = Json.object().put("threadId", threadId);
    p.putArray("input").addObject().put("type", "text").put("text", text);
    return backend.turnStart(p).get(60, TimeUnit.SECONDS).path("turn").path("id").asText();
  }

  private List<RecordingListener.Event> completions() {
    return listener.events("notification").stream()
        .filter(e -> "turn/completed".equals(e.method()))
        .toList();
  }

  @Test
  void aSteerEndsTheAnswerInProgressAndContinuesTheSameTurn() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    model.enqueue(
        ScriptedReply.gated(gate, ScriptedReply.text("stale answer")),
        ScriptedReply.text("steered answer"));
    try {
      String threadId = thread();
      String turnId = turn(threadId, "write a long essay");
      model.awaitRequestCount(1, Duration.ofSeconds(60));

      JsonNode steered =
          backend
              .turnSteer(new SteerInput(threadId, turnId, "STEER-7f3 keep it short"))
              .get(30, TimeUnit.SECONDS);
      assertEquals(turnId, steered.path("turnId").asText(), steered.toString());

      gate.complete(null); // the answer in progress ends; the steer goes out with the next request
      JsonNode second =
          model.awaitRequest(
              r -> ScriptedModelServer.inputContains(r, "STEER-7f3"), Duration.ofSeconds(60));
      assertTrue(ScriptedModelServer.inputContains(second, "write a long essay"));
      listener.await(e -> "turn/completed".equals(e.method()), 1);
      Thread.sleep(300); // a second completion would come right after the first
      assertEquals(1, completions().size(), listener.events().toString());
      assertEquals(turnId, completions().get(0).params().at("/turn/id").asText());
      assertEquals("completed", completions().get(0).params().at("/turn/status").asText());
      List<String> answers =
          listener.events("notification").stream()
              .filter(e -> "item/completed".equals(e.method()))
              .map(e -> e.params().path("item"))
              .filter(i -> "agentMessage".equals(i.path("type").asText()))
              .map(i -> i.path("text").asText())
              .toList();
      assertEquals(List.of("steered answer"), answers, "the answer in progress is dropped");
    } finally {
      gate.complete(null);
    }
  }

  @Test
  void aReviewRunsAsItsOwnTurnAndEndsWithTheFormattedReview() throws Exception {
    GitRepos.init(home.workDir());
    Files.writeString(home.workDir().resolve("old.txt"), "changed\n", StandardCharsets.UTF_8);
    model.enqueue(
        ScriptedReply.text(
            "{\"findings\":[],\"overall_correctness\":\"patch is correct\","
                + "\"overall_explanation\":\"REVIEW-OK-41 the edit is fine\","
                + "\"overall_confidence_score\":0.8}"));
    String threadId = thread();
    JsonNode started =
        backend
            .reviewStart(
                threadId,
                new ReviewTarget(ReviewTarget.Kind.UNCOMMITTED_CHANGES, null, null, null, null))
            .get(60, TimeUnit.SECONDS);
    String reviewTurn = started.path("turn").path("id").asText();
    assertFalse(reviewTurn.isEmpty(), started.toString());
    assertEquals(threadId, started.path("reviewThreadId").asText(), started.toString());

    listener.await(e -> "turn/completed".equals(e.method()), 1);
    assertEquals(reviewTurn, completions().get(0).params().at("/turn/id").asText());
    JsonNode exited =
        listener.events("notification").stream()
            .filter(e -> "item/completed".equals(e.method()))
            .map(e -> e.params().path("item"))
            .filter(i -> "exitedReviewMode".equals(i.path("type").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(listener.events().toString()));
    assertTrue(exited.path("review").asText().contains("REVIEW-OK-41"), exited.toString());
  }

  @Test
  void tokenUsageIsReportedPerModelCall() throws Exception {
    model.enqueue(ScriptedReply.builder().message("counted").usage(120, 7).build());
    String threadId = thread();
    turn(threadId, "count me");
    listener.await(e -> "turn/completed".equals(e.method()), 1);
    List<RecordingListener.Event> usage =
        listener.events("notification").stream()
            .filter(e -> "thread/tokenUsage/updated".equals(e.method()))
            .toList();
    assertFalse(usage.isEmpty(), listener.events().toString());
    JsonNode last = usage.get(usage.size() - 1).params().path("tokenUsage");
    assertEquals(120, last.at("/total/inputTokens").asLong(), last.toString());
    assertEquals(7, last.at("/total/outputTokens").asLong(), last.toString());
  }
}
