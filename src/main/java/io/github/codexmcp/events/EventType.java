package io.github.codexmcp.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** Coarse event type as shown to clients; the fine-grained kind is {@code data.method}. */
public enum EventType {
  OUTPUT("output"),
  PROGRESS("progress"),
  APPROVAL_REQUEST("approval_request"),
  APPROVAL_RESULT("approval_result"),
  RESULT("result"),
  ERROR("error");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the wire and in the event log. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /**
   * Critical events ({@code approval_request}, {@code result}, {@code error}) are evicted only as
   * the very last resort at the hard limit.
   */
  public boolean isCritical() {
    return this == APPROVAL_REQUEST || this == RESULT || this == ERROR;
  }

  /** The type with this wire name, or null when there is none. */
  public static EventType fromWireName(String name) {
    for (EventType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
