package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test access to the state documents' text. */
public final class StateDocs {
  private StateDocs() {}

  public static String prettyForTest(ObjectNode doc) {
    return BatchWriter.pretty(doc);
  }
}
