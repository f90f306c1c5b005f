package io.github.codexmcp.client;

import java.util.Map;

/**
 * The user's answer to a form: submitted ({@link Action#ACCEPT}, with a value per field), declined,
 * or dismissed ({@link Action#CANCEL}, also when the client failed or the form was withdrawn).
 */
public record FormAnswer(Action action, Map<String, String> values) {
  /** What the user did. */
  public enum Action {
    ACCEPT,
    DECLINE,
    CANCEL
  }

  public FormAnswer {
    values = values == null ? Map.of() : Map.copyOf(values);
  }

  /** A dismissal without values. */
  public static FormAnswer cancelled() {
    return new FormAnswer(Action.CANCEL, Map.of());
  }
}
