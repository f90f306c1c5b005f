package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.util.concurrent.CompletableFuture;

/**
 * One session's connection to Codex: an app-server child speaking JSON-RPC, or the exec fallback
 * that runs one {@code codex exec --json} child per turn. All operations are asynchronous; a failed
 * future carries an exception whose message is shown (formatted) to the MCP client.
 */
public interface CodexBackend {
  /** Registers the single listener; must be called before {@link #start()}. */
  void setListener(BackendListener listener);

  /** app-server: spawn and {@code initialize}; exec: nothing to spawn yet. */
  CompletableFuture<JsonNode> start();

  CompletableFuture<JsonNode> threadStart(ObjectNode params);

  CompletableFuture<JsonNode> threadFork(ObjectNode params);

  CompletableFuture<JsonNode> threadResume(ObjectNode params);

  CompletableFuture<JsonNode> threadBackgroundTerminalsClean(ObjectNode params);

  CompletableFuture<JsonNode> turnStart(ObjectNode params);

  CompletableFuture<JsonNode> turnInterrupt(ObjectNode params);

  /**
   * Adds input to the running turn ({@code turn/steer}); answers {@code {turnId}}. Backends that
   * cannot steer fail with {@code EXEC_NOT_SUPPORTED}.
   */
  default CompletableFuture<JsonNode> turnSteer(SteerInput input) {
    return CompletableFuture.failedFuture(
        CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "steering a running turn needs the app-server backend"));
  }

  /**
   * Starts an inline review on the thread ({@code review/start}); answers {@code {turn,
   * reviewThreadId}}, where {@code turn.id} is the review's own turn. Backends without reviews fail
   * with {@code EXEC_NOT_SUPPORTED}.
   */
  default CompletableFuture<JsonNode> reviewStart(String threadId, ReviewTarget target) {
    return CompletableFuture.failedFuture(
        CodexMcpException.of(ErrorCode.EXEC_NOT_SUPPORTED, "reviews need the app-server backend"));
  }

  /** Answers a server-initiated request; throws when the answer cannot be written. */
  void respond(JsonNode id, JsonNode result);

  /** Answers a server-initiated request with a JSON-RPC error; throws when it cannot be written. */
  void respondError(JsonNode id, int code, String message);

  /** Whether turn-level cwd/sandbox overrides take effect (exec resume turns: no). */
  boolean supportsTurnOverrides();

  /**
   * Whether its Codex process outlives a closed connection ({@code detach}), so that a session at
   * rest can be handed to another server without ending Codex. False for stdio and exec backends.
   */
  default boolean detachable() {
    return false;
  }

  /** Pid of the current child, or null when none runs. */
  Long childPid();

  /** Which backend this is, for diagnostics. */
  BackendMode mode();

  /**
   * Stops the child tree (stdin close, polite signal, forcible kill after 5 s), fails pending calls
   * with {@code Client destroyed}, and silences the listener. Idempotent.
   */
  CompletableFuture<Void> destroy();

  boolean isDestroyed();

  /**
   * Leaves the Codex process running and closes the connection to it, so that a running turn goes
   * on without this server (a later server attaches again); the listener is silenced and pending
   * calls fail. False, doing nothing, for backends whose process cannot outlive the server: those
   * are {@linkplain #destroy() destroyed} instead.
   */
  default boolean detach() {
    return false;
  }

  /**
   * {@code thread/read}: the thread, with its turns and their items when {@code includeTurns}.
   * Backends without it fail with {@code EXEC_NOT_SUPPORTED}.
   */
  default CompletableFuture<JsonNode> threadRead(String threadId, boolean includeTurns) {
    return CompletableFuture.failedFuture(
        CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "thread/read needs a listening app-server"));
  }

  /**
   * The thread's latest turn with every item Codex has of it ({@code thread/turns/list}, newest
   * first, one turn, full items); answers the list response ({@code data: [turn]}). Backends
   * without it fail with {@code EXEC_NOT_SUPPORTED}.
   */
  default CompletableFuture<JsonNode> latestTurn(String threadId) {
    return CompletableFuture.failedFuture(
        CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "thread/turns/list needs a listening app-server"));
  }
}
