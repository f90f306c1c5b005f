package io.github.codexmcp.state;

import java.util.Locale;

/**
 * How disk persistence is doing: {@code on}, {@code degraded} (the store is open but its latest
 * writes failed) or {@code off} (never opened), with the reason when it is not on.
 */
public record PersistenceHealth(Mode mode, String reason) {
  /** The three states. */
  public enum Mode {
    ON,
    DEGRADED,
    OFF;

    /** As reported to clients ({@code "degraded"}). */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Persistence works. */
  public static final PersistenceHealth ON = new PersistenceHealth(Mode.ON, null);

  static PersistenceHealth degraded(String reason) {
    return new PersistenceHealth(Mode.DEGRADED, reason);
  }

  static PersistenceHealth off(String reason) {
    return new PersistenceHealth(Mode.OFF, reason);
  }
}
