package io.github.codexmcp.events;

/** {@code recommendedNextAction}: the client's next step for a session (spec 30 §8.3). */
public enum NextAction {
  POLL("poll"),
  RESPOND_PERMISSION("respond_permission"),
  RESPOND_USER_INPUT("respond_user_input"),
  NONE("none");

  private final String wireName;

  NextAction(String wireName) {
    this.wireName = wireName;
  }

  /** The name in tool answers. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
