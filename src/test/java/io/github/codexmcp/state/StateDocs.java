package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Test access to the state documents' text. */
public final class StateDocs {
  private StateDocs() {}

  public static String prettyForTest(ObjectNode doc) {
    return new String(BatchWriter.pretty(doc), StandardCharsets.UTF_8);
  }
}
