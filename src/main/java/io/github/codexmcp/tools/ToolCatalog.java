package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tool definitions (name, title, description, annotations, input and output schemas) loaded from
 * {@code /tools/<name>.json} on the class path, in registration order.
 */
public final class ToolCatalog {
  /** Registration (and {@code tools/list}) order. */
  public static final List<String> TOOL_NAMES =
      List.of("codex", "codex_reply", "codex_setup", "codex_session", "codex_check");

  private ToolCatalog() {}

  /** The definition document of one tool. */
  public static ObjectNode definition(String name) {
    try (InputStream in = ToolCatalog.class.getResourceAsStream("/tools/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("missing tool definition /tools/" + name + ".json");
      }
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All definitions in order. */
  public static List<ObjectNode> all() {
    List<ObjectNode> out = new ArrayList<>();
    for (String n : TOOL_NAMES) {
      out.add(definition(n));
    }
    return out;
  }
}
