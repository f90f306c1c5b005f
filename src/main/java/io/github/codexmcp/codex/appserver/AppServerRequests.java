package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.codex.SteerInput;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The app-server's thread and turn requests with their timeouts, written once for every backend
 * that speaks the app-server protocol (over a pipe or a socket): each is one {@link #call}. Adds no
 * state; threads as {@link #call}.
 */
interface AppServerRequests extends CodexBackend {
  /** Sends {@code method}; {@code params} null means {@code {}}. */
  CompletableFuture<JsonNode> call(String method, JsonNode params, Duration timeout);

  @Override
  default CompletableFuture<JsonNode> threadStart(ObjectNode params) {
    return call(AppServerMethods.THREAD_START, params, AppServerBackend.LONG_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> threadFork(ObjectNode params) {
    return call(AppServerMethods.THREAD_FORK, params, AppServerBackend.DEFAULT_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> threadResume(ObjectNode params) {
    return call(AppServerMethods.THREAD_RESUME, params, AppServerBackend.DEFAULT_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> threadBackgroundTerminalsClean(ObjectNode params) {
    return call(
        AppServerMethods.THREAD_BACKGROUND_TERMINALS_CLEAN,
        params,
        AppServerBackend.DEFAULT_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> turnStart(ObjectNode params) {
    return call(AppServerMethods.TURN_START, params, AppServerBackend.LONG_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> turnInterrupt(ObjectNode params) {
    return call(AppServerMethods.TURN_INTERRUPT, params, AppServerBackend.DEFAULT_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> turnSteer(SteerInput input) {
    return call(AppServerMethods.TURN_STEER, input.toParams(), AppServerBackend.DEFAULT_TIMEOUT);
  }

  @Override
  default CompletableFuture<JsonNode> reviewStart(String threadId, ReviewTarget target) {
    return call(
        AppServerMethods.REVIEW_START, target.toParams(threadId), AppServerBackend.LONG_TIMEOUT);
  }
}
