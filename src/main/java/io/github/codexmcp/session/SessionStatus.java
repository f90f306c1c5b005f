package io.github.codexmcp.session;

import java.util.Locale;

/** The five session statuses. */
public enum SessionStatus {
  RUNNING,
  IDLE,
  WAITING_APPROVAL,
  ERROR,
  CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** idle, error and cancelled: no turn in progress. */
  public boolean isTerminal() {
    return this == IDLE || this == ERROR || this == CANCELLED;
  }

  /** running or waiting_approval. */
  public boolean isActive() {
    return this == RUNNING || this == WAITING_APPROVAL;
  }

  public static SessionStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
