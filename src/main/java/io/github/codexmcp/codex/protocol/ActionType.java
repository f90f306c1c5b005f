package io.github.codexmcp.codex.protocol;

import java.util.Locale;

/** What a parked request asks of the client: a decision or answers to questions. */
public enum ActionType {
  APPROVAL,
  USER_INPUT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
