package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Json;

/** Fields read from Codex's answers to {@code thread/*} and {@code turn/start}. */
public final class Responses {
  private Responses() {}

  /** The thread id of a {@code thread/start} or {@code thread/fork} answer; throws when missing. */
  public static String threadId(JsonNode resp) {
    if (resp == null || !resp.isObject()) {
      throw CodexMcpException.internal("Invalid thread response: expected object");
    }
    String v1 = Json.nonEmptyText(resp, "threadId");
    if (v1 != null) {
      return v1;
    }
    String v2 = Json.nonEmptyText(resp.get("thread"), "id");
    if (v2 != null) {
      return v2;
    }
    throw CodexMcpException.internal("Invalid thread response: missing thread id");
  }

  /** The turn id of a {@code turn/start} answer, or null. */
  public static String turnId(JsonNode resp) {
    String id = Json.nonEmptyText(resp, "turnId");
    if (id == null && resp != null) {
      id = Json.nonEmptyText(resp.get("turn"), "id");
    }
    return id;
  }
}
