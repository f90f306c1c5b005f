package io.github.codexmcp.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** How much of each event's {@code data} a poll returns (spec 30 §10). */
public enum ResponseMode {
  /** A few well-known keys; deltas cut to 256 characters. */
  MINIMAL("minimal", 256),
  /** The minimal keys plus a few more; deltas cut to 2048 characters. */
  DELTA_COMPACT("delta_compact", 2048),
  /** Data unchanged. */
  FULL("full", Integer.MAX_VALUE);

  private final String wireName;
  private final int deltaLimit;

  ResponseMode(String wireName, int deltaLimit) {
    this.wireName = wireName;
    this.deltaLimit = deltaLimit;
  }

  /** The name used in tool arguments. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Maximum delta length in UTF-16 characters before it is cut. */
  public int deltaLimit() {
    return deltaLimit;
  }

  /** The mode with this wire name, or null when there is none. */
  public static ResponseMode fromWireName(String name) {
    for (ResponseMode m : values()) {
      if (m.wireName.equals(name)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
