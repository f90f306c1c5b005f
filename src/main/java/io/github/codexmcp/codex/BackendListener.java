package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives what a Codex backend reports. Calls for one backend come from one thread, in arrival
 * order, and must not block (they may take a short lock).
 */
public interface BackendListener {
  /** A notification ({@code method} plus {@code params}, params an object or null). */
  void onNotification(String method, JsonNode params);

  /**
   * A request initiated by codex; it must eventually be answered through {@link
   * CodexBackend#respond} or {@link CodexBackend#respondError} with the same {@code id}.
   */
  void onServerRequest(JsonNode id, String method, JsonNode params);

  /** The child exited while the backend was not being destroyed. Fires at most once. */
  void onExit(Integer code, String signal);

  /** The child could not be spawned or failed fatally. Fires at most once. */
  void onError(Throwable error);

  /**
   * A new child process was started after {@link CodexBackend#start()} (exec mode: one per turn),
   * so the caller can record its pid for orphan reaping.
   */
  default void onChildStarted(long pid) {}

  /**
   * The reports up to the matching {@link #onBatchEnd()} were read together (the lines of one read
   * from Codex's output): the listener may hold them and hand them on as one. A backend that calls
   * this always calls {@link #onBatchEnd()} afterwards, from the same thread, without blocking in
   * between.
   */
  default void onBatchStart() {}

  /** Ends the batch {@link #onBatchStart()} began. */
  default void onBatchEnd() {}
}
