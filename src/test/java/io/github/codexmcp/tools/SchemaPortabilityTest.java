package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every tool schema is portable to clients that map JSON Schema onto a single-{@code type} dialect:
 * no {@code type} arrays (nullable values are {@code anyOf} branches) and no property without any
 * keyword (what a value is, is always declared). The MCP Inspector's {@code --strict} lint, run by
 * {@code .ci/run}, checks the same on the live {@code tools/list}.
 */
class SchemaPortabilityTest {
  /** Keywords that say something about a value (a description alone says nothing). */
  private static final Set<String> CONSTRAINING =
      Set.of(
          "type", "enum", "const", "anyOf", "oneOf", "allOf", "not", "$ref", "properties", "items");

  @Test
  void noTypeArraysAndNoPropertiesWithoutAKeyword() {
    List<String> problems = new ArrayList<>();
    for (String tool : ToolCatalog.TOOL_NAMES) {
      JsonNode def = ToolCatalog.definition(tool);
      walk(def.get("inputSchema"), tool + ".inputSchema", problems);
      walk(def.get("outputSchema"), tool + ".outputSchema", problems);
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theCheckFindsBothKindsOfProblem() {
    List<String> problems = new ArrayList<>();
    walk(
        io.github.codexmcp.util.Json.parse(
            "{\"type\":\"object\",\"properties\":{\"a\":{\"description\":\"x\"},"
                + "\"b\":{\"type\":[\"array\",\"null\"]},\"c\":{\"anyOf\":[{\"type\":\"null\"}]}}}"),
        "s",
        problems);
    assertEquals(List.of("s.properties.a: no keyword", "s.properties.b: type array"), problems);
  }

  private static void walk(JsonNode schema, String path, List<String> problems) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    if (schema.path("type").isArray()) {
      problems.add(path + ": type array");
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              String p = path + ".properties." + e.getKey();
              if (CONSTRAINING.stream().noneMatch(e.getValue()::has)) {
                problems.add(p + ": no keyword");
              }
              walk(e.getValue(), p, problems);
            });
    walk(schema.get("items"), path + ".items", problems);
    walk(schema.get("additionalProperties"), path + ".additionalProperties", problems);
    for (String key : List.of("anyOf", "oneOf", "allOf")) {
      int i = 0;
      for (JsonNode branch : schema.path(key)) {
        walk(branch, path + "." + key + "[" + i++ + "]", problems);
      }
    }
  }
}
