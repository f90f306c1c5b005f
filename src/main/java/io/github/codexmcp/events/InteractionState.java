package io.github.codexmcp.events;

/** {@code interactionState}: what the session needs from the client (spec 30 §8.3). */
public enum InteractionState {
  /** The turn runs: poll later. */
  WORKING("working"),
  /** A pending request waits for the client's answer. */
  WAITING_INPUT("waiting_input"),
  /** Idle, failed or cancelled. */
  FINISHED("finished");

  private final String wireName;

  InteractionState(String wireName) {
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
