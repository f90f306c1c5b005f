package io.github.codexmcp.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The {@code turn/steer} and {@code review/start} params, as Codex 0.169 and 0.171 define them. */
class OrchestrationPayloadsTest {
  @Test
  void steerParamsCarryTheExpectedTurnAndATextInput() {
    assertEquals(
        Json.parse(
            "{\"threadId\":\"thr\",\"expectedTurnId\":\"turn_7\",\"input\":"
                + "[{\"type\":\"text\",\"text\":\"also add tests\",\"text_elements\":[]}]}"),
        new SteerInput("thr", "turn_7", "also add tests").toParams());
  }

  @Test
  void reviewParamsForEveryTarget() {
    assertEquals(
        Json.parse(
            "{\"threadId\":\"t\",\"target\":{\"type\":\"uncommittedChanges\"},"
                + "\"delivery\":\"inline\"}"),
        target(ReviewTarget.Kind.UNCOMMITTED_CHANGES, null, null, null, null).toParams("t"));
    assertEquals(
        Json.parse("{\"type\":\"baseBranch\",\"branch\":\"main\"}"),
        target(ReviewTarget.Kind.BASE_BRANCH, "main", null, null, null)
            .toParams("t")
            .get("target"));
    assertEquals(
        Json.parse("{\"type\":\"commit\",\"sha\":\"abc123\",\"title\":\"Fix\"}"),
        target(ReviewTarget.Kind.COMMIT, null, "abc123", "Fix", null).toParams("t").get("target"));
    assertEquals(
        Json.parse("{\"type\":\"custom\",\"instructions\":\"look at x\"}"),
        target(ReviewTarget.Kind.CUSTOM, null, null, null, "look at x")
            .toParams("t")
            .get("target"));
    assertEquals(ReviewTarget.Kind.BASE_BRANCH, ReviewTarget.Kind.fromWire("baseBranch"));
    assertEquals(null, ReviewTarget.Kind.fromWire("branch"));
  }

  @Test
  void targetsMissingTheirDetailAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> target(ReviewTarget.Kind.BASE_BRANCH, " ", null, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> target(ReviewTarget.Kind.COMMIT, null, null, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> target(ReviewTarget.Kind.CUSTOM, null, null, null, ""));
  }

  @Test
  void aBackendWithoutSteeringOrReviewsSaysSo() {
    CodexBackend exec = new MinimalBackend();
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> exec.turnSteer(new SteerInput("t", "u", "x")).get());
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, ((CodexMcpException) e.getCause()).code());
    e =
        assertThrows(
            ExecutionException.class,
            () ->
                exec.reviewStart(
                        "t", target(ReviewTarget.Kind.UNCOMMITTED_CHANGES, null, null, null, null))
                    .get());
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, ((CodexMcpException) e.getCause()).code());
  }

  private static ReviewTarget target(
      ReviewTarget.Kind kind, String branch, String sha, String title, String instructions) {
    return new ReviewTarget(kind, branch, sha, title, instructions);
  }

  /** Implements only what the interface requires. */
  private static final class MinimalBackend implements CodexBackend {
    @Override
    public void setListener(BackendListener listener) {}

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode> start() {
      return null;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode>
        threadStart(com.fasterxml.jackson.databind.node.ObjectNode p) {
      return null;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode>
        threadFork(com.fasterxml.jackson.databind.node.ObjectNode p) {
      return null;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode>
        threadResume(com.fasterxml.jackson.databind.node.ObjectNode p) {
      return null;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode>
        threadBackgroundTerminalsClean(com.fasterxml.jackson.databind.node.ObjectNode p) {
      return null;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode>
        turnStart(com.fasterxml.jackson.databind.node.ObjectNode p) {
      return null;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode>
        turnInterrupt(com.fasterxml.jackson.databind.node.ObjectNode p) {
      return null;
    }

    @Override
    public void respond(
        com.fasterxml.jackson.databind.JsonNode id,
        com.fasterxml.jackson.databind.JsonNode result) {}

    @Override
    public void respondError(com.fasterxml.jackson.databind.JsonNode id, int code, String m) {}

    @Override
    public boolean supportsTurnOverrides() {
      return false;
    }

    @Override
    public Long childPid() {
      return null;
    }

    @Override
    public BackendMode mode() {
      return BackendMode.EXEC;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> destroy() {
      return null;
    }

    @Override
    public boolean isDestroyed() {
      return false;
    }
  }
}
