package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tool metadata (spec 70 group G). */
class ToolCatalogTest {
  private static ObjectNode tool(String name) {
    return ToolCatalog.definition(name);
  }

  private static List<String> enumOf(JsonNode prop) {
    List<String> out = new ArrayList<>();
    prop.path("enum").forEach(e -> out.add(e.asText()));
    return out;
  }

  @Test
  void fiveToolsWithSchemasAndAnnotations() {
    assertEquals(
        List.of("codex", "codex_reply", "codex_setup", "codex_session", "codex_check"),
        ToolCatalog.TOOL_NAMES);
    for (ObjectNode t : ToolCatalog.all()) {
      assertEquals("object", t.at("/inputSchema/type").asText(), t.get("name").asText());
      assertEquals("object", t.at("/outputSchema/type").asText(), t.get("name").asText());
      assertTrue(t.has("annotations"));
      assertTrue(t.has("title"));
    }
  }

  @Test
  void descriptionsCarryTheContractPhrases() {
    String codex = tool("codex").get("description").asText();
    assertTrue(codex.contains("pollInterval") && codex.contains("asynchronously"));
    String reply = tool("codex_reply").get("description").asText();
    assertTrue(reply.contains("idle") && reply.contains("SESSION_BUSY"));
    String session = tool("codex_session").get("description").asText();
    assertTrue(session.contains("includeSensitive defaults to false"));
    assertTrue(session.contains("source remains unchanged"));
    assertTrue(session.contains("clean_background_terminals"));
    String check = tool("codex_check").get("description").asText();
    assertTrue(check.contains("Default maxEvents=1") && check.contains("cursorResetTo"));
  }

  @Test
  void parameterNamesAndDefaultsFollowTheContract() {
    JsonNode reply = tool("codex_reply").at("/inputSchema/properties");
    assertTrue(reply.has("sandbox"));
    assertFalse(reply.has("sandboxPolicy"));
    JsonNode check = tool("codex_check").at("/inputSchema/properties");
    assertTrue(enumOf(check.get("action")).contains("respond_permission"));
    assertFalse(enumOf(check.get("action")).contains("respond_approval"));
    assertTrue(check.has("execpolicy_amendment"));
    assertFalse(check.has("execpolicyAmendment"));
    assertFalse(check.get("cursor").has("default"));
    assertFalse(check.get("maxEvents").has("default"));
    JsonNode pollOptions = check.at("/pollOptions/properties");
    assertFalse(pollOptions.has("includeTools"));
    for (String p : List.of("skipDeltas", "finalOnly", "maxBytes", "waitMs")) {
      assertTrue(pollOptions.has(p), p);
    }
    JsonNode codex = tool("codex").get("inputSchema");
    List<String> required = new ArrayList<>();
    codex.get("required").forEach(r -> required.add(r.asText()));
    assertTrue(required.containsAll(List.of("prompt", "approvalPolicy", "sandbox")));
    assertEquals("low", codex.at("/properties/effort/default").asText());
    assertEquals(
        60000, codex.at("/properties/advanced/properties/approvalTimeoutMs/default").asInt());
    assertEquals(300000, codex.at("/properties/advanced/properties/waitForResult/maximum").asInt());
    JsonNode session = tool("codex_session").at("/inputSchema/properties");
    assertTrue(enumOf(session.get("action")).contains("clean"));
    assertFalse(session.at("/includeSensitive/default").asBoolean(true));
  }

  @Test
  void annotationsPerTool() {
    JsonNode setup = tool("codex_setup").get("annotations");
    assertTrue(setup.get("readOnlyHint").asBoolean());
    assertTrue(setup.get("idempotentHint").asBoolean());
    assertFalse(tool("codex_check").at("/annotations/destructiveHint").asBoolean());
    assertTrue(tool("codex").at("/annotations/destructiveHint").asBoolean());
    assertTrue(tool("codex").at("/annotations/openWorldHint").asBoolean());
  }
}
