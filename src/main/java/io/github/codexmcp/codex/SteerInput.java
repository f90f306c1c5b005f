package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.Objects;

/** Text added to a running turn ({@code turn/steer}); {@code expectedTurnId} is that turn's id. */
public record SteerInput(String threadId, String expectedTurnId, String text) {
  public SteerInput {
    Objects.requireNonNull(threadId, "threadId");
    Objects.requireNonNull(expectedTurnId, "expectedTurnId");
    Objects.requireNonNull(text, "text");
  }

  public ObjectNode toParams() {
    ObjectNode item = Json.object();
    item.put("type", "text");
    item.put("text", text);
    item.set("text_elements", Json.array());
    ArrayNode input = Json.array();
    input.add(item);
    ObjectNode params = Json.object();
    params.put("threadId", threadId);
    params.put("expectedTurnId", expectedTurnId);
    params.set("input", input);
    return params;
  }
}
