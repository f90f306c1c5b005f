package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.PrettyJson;
import java.nio.charset.StandardCharsets;

/**
 * A tool result's structured content that remembers the indented JSON it was rendered to for the
 * result's text. It holds the same fields as the object it was made from (the field values are
 * shared, not copied), so it reads and compares like any object node.
 *
 * <p>{@link ToolResultWriter} writes a result carrying one of these from the rendered bytes: the
 * text escaped byte by byte, and the structured copy as rendered alongside the text (or, when
 * Jackson rendered the text, by dropping its indentation), instead of a second walk over the tree
 * and a character-by-character escape of the text. A poll result is tens of kilobytes, written
 * several times a second while a client follows a busy session.
 */
final class RenderedObject extends ObjectNode {
  private static final long serialVersionUID = 1L;

  private final transient byte[] pretty;
  private final transient byte[] compact; // null when Jackson rendered the text
  private final transient String text;

  private RenderedObject(ObjectNode fields, byte[] pretty, byte[] compact) {
    super(Json.NODES);
    setAll(fields);
    this.pretty = pretty;
    this.compact = compact;
    this.text = new String(pretty, StandardCharsets.UTF_8);
  }

  /** Renders {@code fields} once; {@link #text()} is {@link Json#pretty} of it. */
  static RenderedObject of(ObjectNode fields) {
    PrettyJson.Rendered r = PrettyJson.render(fields);
    return r != null
        ? new RenderedObject(fields, r.pretty(), r.compact())
        : new RenderedObject(fields, Json.prettyBytes(fields), null);
  }

  /** The indented JSON text shown to clients. */
  String text() {
    return text;
  }

  /** The same text as UTF-8; the array is not copied and must not be modified. */
  byte[] prettyUtf8() {
    return pretty;
  }

  /** The compact JSON of the fields as UTF-8 (not copied), or null when it was not written. */
  byte[] compactUtf8() {
    return compact;
  }
}
