package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.PollJson;

/**
 * A poll's outcome with its page rendered as the client receives it ({@link PollJson}), so tests
 * can check the contract's JSON.
 */
record Polled(PollOutcome outcome, ObjectNode response) {

  static Polled of(PollOutcome outcome) {
    return new Polled(outcome, PollJson.render(outcome.page()));
  }

  PollPage page() {
    return outcome.page();
  }

  long nextCursor() {
    return outcome.nextCursor();
  }

  long sessionCursor() {
    return outcome.sessionCursor();
  }

  boolean visibleData() {
    return outcome.visibleData();
  }
}
