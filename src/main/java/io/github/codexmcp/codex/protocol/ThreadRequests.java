package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;

/** The small requests about an existing thread or turn. */
public final class ThreadRequests {
  private ThreadRequests() {}

  /** {@code thread/fork}: a copy of the thread without its turns. */
  public record Fork(String threadId) {
    public ObjectNode toParams() {
      return Json.object().put("threadId", threadId).put("excludeTurns", true);
    }
  }

  /** {@code turn/interrupt}: stop the running turn. */
  public record Interrupt(String threadId, String turnId) {
    public ObjectNode toParams() {
      return Json.object().put("threadId", threadId).put("turnId", turnId);
    }
  }

  /** {@code thread/backgroundTerminals/clean}: stop the thread's background terminals. */
  public record CleanTerminals(String threadId) {
    public ObjectNode toParams() {
      return Json.object().put("threadId", threadId);
    }
  }
}
