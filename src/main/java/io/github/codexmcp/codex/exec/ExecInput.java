package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code turn/start} gives the CLI: the prompt, the images, and the output schema written to
 * a temp file (deleted when the turn's process ends, or on destroy). Stateless; the file operations
 * block briefly on the calling thread.
 */
final class ExecInput {
  private static final Logger LOG = LoggerFactory.getLogger(ExecInput.class);
  static final String OUTPUT_SCHEMA_FILE = "output-schema.json";

  private ExecInput() {}

  /** All {@code text} inputs joined with a newline. */
  static String prompt(JsonNode input) {
    List<String> parts = new ArrayList<>();
    if (input != null && input.isArray()) {
      for (JsonNode item : input) {
        if ("text".equals(Json.text(item, "type")) && Json.text(item, "text") != null) {
          parts.add(Json.text(item, "text"));
        }
      }
    }
    return String.join("\n", parts);
  }

  /** Paths of all {@code localImage} inputs. */
  static List<String> images(JsonNode input) {
    List<String> out = new ArrayList<>();
    if (input != null && input.isArray()) {
      for (JsonNode item : input) {
        if ("localImage".equals(Json.text(item, "type"))
            && Json.nonEmptyText(item, "path") != null) {
          out.add(Json.text(item, "path"));
        }
      }
    }
    return out;
  }

  /**
   * Writes a non-empty schema object as compact JSON to {@code
   * <tmp>/codex-mcp-schema-XXXX/output-schema.json}; null when there is none or writing failed
   * (logged; the turn then runs without {@code --output-schema}).
   */
  static Path writeOutputSchema(JsonNode schema, Path tempDir) {
    if (schema == null || !schema.isObject() || schema.isEmpty()) {
      return null;
    }
    Path dir = null;
    try {
      dir =
          tempDir == null
              ? Files.createTempDirectory("codex-mcp-schema-")
              : Files.createTempDirectory(tempDir, "codex-mcp-schema-");
      Files.writeString(
          dir.resolve(OUTPUT_SCHEMA_FILE), Json.write(schema), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "[exec-client] could not write the output schema; running without --output-schema: {}",
          Redactor.redactPaths(String.valueOf(e.getMessage())));
      deleteQuietly(dir);
      return null;
    }
  }

  static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve(OUTPUT_SCHEMA_FILE));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("[exec-client] could not delete {}: {}", dir, e.getMessage());
    }
  }
}
