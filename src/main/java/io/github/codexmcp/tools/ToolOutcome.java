package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import java.util.function.Supplier;

/** What a tool produced: a result, a returned error object, or a thrown (formatted) error. */
public sealed interface ToolOutcome {
  /** A successful result (an object; anything else is wrapped as {@code {value}}). */
  record Success(JsonNode value) implements ToolOutcome {}

  /**
   * A success whose value is built when the outcome is rendered: a long poll completes on the
   * thread that woke it (a session's inbox, the timer), and its page is rendered on the call pool,
   * not there ({@code server.ToolAdapter}).
   */
  record Deferred(Supplier<JsonNode> value) implements ToolOutcome {}

  /** An error returned as the result object {@code {error, isError:true}} (not redacted). */
  record Returned(ObjectNode errorObject) implements ToolOutcome {}

  /** A failure whose formatted {@code Error [CODE]: ...} text is the whole result. */
  record Thrown(String message) implements ToolOutcome {}

  static ToolOutcome success(JsonNode value) {
    return new Success(value);
  }

  /** A success built by {@code value} when it is rendered. */
  static ToolOutcome deferred(Supplier<JsonNode> value) {
    return new Deferred(value);
  }

  /** Returned error object for {@code message}. */
  static ToolOutcome returned(String message) {
    ObjectNode o = Json.object();
    o.put("error", message);
    o.put("isError", true);
    return new Returned(o);
  }

  /** Thrown error, formatted per the contract. */
  static ToolOutcome thrown(Throwable t) {
    return new Thrown(ErrorMessages.format(t));
  }
}
