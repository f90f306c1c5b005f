package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One line of stdin made into a JSON-RPC message tree, or, when it is not one, the id to answer the
 * refusal with.
 *
 * <p>The tree is read by the shared Jackson reader, which refuses nesting deeper than its limit
 * (1,000 levels) and malformed text. A refused line is scanned again with the streaming parser and
 * no nesting limit (it skips nested values without recursion) for a top-level {@code id}: a request
 * whose id can be read is answered with that id ({@link #id}), not with {@code null}. Bytes that
 * are not UTF-8 are read as replacement characters.
 *
 * <p>Stateless; called on the stdin reader thread.
 */
record IncomingLine(JsonNode tree, JsonNode id, String error) {
  /** Scans without a nesting limit; nested values are skipped, not built. */
  private static final JsonFactory SCANNER =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
          .build();

  /** Parses {@code len} bytes of one line. */
  static IncomingLine parse(byte[] bytes, int len) {
    return parse(bytes, 0, len);
  }

  /** Parses the bytes {@code [from, to)} of one line. */
  static IncomingLine parse(byte[] bytes, int from, int to) {
    JsonNode tree;
    try {
      tree = Json.parse(bytes, from, to - from);
    } catch (IOException e) {
      String text = new String(bytes, from, to - from, StandardCharsets.UTF_8);
      try {
        // not UTF-8: the text with malformed bytes replaced, as a character reader passes it on
        tree = Json.parse(text);
      } catch (RuntimeException notJson) {
        return refused(text);
      }
    }
    return new IncomingLine(tree, null, null);
  }

  private static IncomingLine refused(String text) {
    JsonNode id = null;
    boolean whole = false;
    try (JsonParser p = SCANNER.createParser(text)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if ("id".equals(field) && v != null && v.isScalarValue()) {
            JsonNode candidate = scalar(p, v);
            id = validId(candidate) ? candidate : null;
          } else {
            p.skipChildren();
          }
        }
        whole = p.currentToken() == JsonToken.END_OBJECT;
      }
    } catch (IOException | RuntimeException e) {
      // the id found before the error (if any) still answers the request
    }
    return new IncomingLine(
        null,
        id,
        whole
            ? "Invalid Request: nesting exceeds "
                + StreamReadConstraints.DEFAULT_MAX_DEPTH
                + " levels"
            : "Parse error: invalid JSON");
  }

  private static JsonNode scalar(JsonParser p, JsonToken v) throws IOException {
    JsonNodeFactory f = Json.NODES;
    return switch (v) {
      case VALUE_STRING -> f.textNode(p.getText());
      case VALUE_NUMBER_INT -> f.numberNode(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDecimalValue());
      default -> null;
    };
  }

  /** JSON-RPC ids are strings or numbers; anything else is answered with {@code null}. */
  static boolean validId(JsonNode id) {
    return id != null && (id.isTextual() || id.isNumber());
  }

  /** Whether the line was refused (then {@link #error} says why and {@link #id} may be set). */
  boolean isRefused() {
    return tree == null;
  }
}
