package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small tree helpers. */
final class Nodes {
  private Nodes() {}

  /**
   * Puts an integral value as an int node when it fits, so responses compare equal to parsed JSON
   * (Jackson's IntNode and LongNode are never equal); the serialized text is the same either way.
   */
  static void putInteger(ObjectNode node, String key, long value) {
    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      node.put(key, (int) value);
    } else {
      node.put(key, value);
    }
  }
}
