package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.ToolCatalog;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolSchemaValidatorTest {
  private final ToolSchemaValidator validator = new ToolSchemaValidator(Json.MAPPER);
  private final DefaultJsonSchemaValidator sdk = new DefaultJsonSchemaValidator(Json.MAPPER);

  /** The check the SDK would run at server build time, moved here from every start-up. */
  @Test
  void everyToolSchemaConformsToTheMetaSchema() {
    for (ObjectNode def : ToolCatalog.all()) {
      McpSchema.Tool tool = ToolAdapter.toSdkTool(def);
      for (Map<String, Object> schema : List.of(tool.inputSchema(), tool.outputSchema())) {
        ValidationResponse r = validator.conformsToMetaSchema(schema);
        assertTrue(r.valid(), tool.name() + ": " + r.errorMessage());
        assertTrue(sdk.validateSchema(schema).valid(), tool.name());
      }
    }
  }

  /** Results go unchecked at run time unless asked for; the tests check them client-side. */
  @Test
  void resultsAreCheckedOnlyWhenAskedFor() {
    McpSchema.Tool check = ToolAdapter.toSdkTool(ToolCatalog.definition("codex_check"));
    ObjectNode badPoll = Json.object().put("sessionId", "s").put("nextCursor", "not a number");
    assertTrue(validator.forResults(false).validate(check.outputSchema(), badPoll).valid());
    assertFalse(validator.forResults(true).validate(check.outputSchema(), badPoll).valid());
    org.junit.jupiter.api.Assertions.assertThrows(
        AssertionError.class,
        () -> io.github.codexmcp.testing.OutputSchemas.assertValid("codex_check", badPoll));
  }

  @Test
  void verdictsAndMessagesMatchTheSdkValidator() {
    McpSchema.Tool codex = ToolAdapter.toSdkTool(ToolCatalog.definition("codex"));
    McpSchema.Tool check = ToolAdapter.toSdkTool(ToolCatalog.definition("codex_check"));
    List<Map<String, Object>> inputs =
        List.of(
            Map.of("prompt", "x", "sandbox", "full"),
            Map.of("prompt", 3),
            Map.of(),
            Map.of("prompt", "x", "approvalPolicy", "never", "sandbox", "read-only"),
            Map.of(
                "prompt",
                "x",
                "approvalPolicy",
                "never",
                "sandbox",
                "read-only",
                "advanced",
                Map.of("waitForResult", -1)));
    for (Map<String, Object> in : inputs) {
      ValidationResponse expected = sdk.validate(codex.inputSchema(), in);
      assertEquals(
          expected.valid(), validator.validate(codex.inputSchema(), in).valid(), in.toString());
      assertEquals(
          expected.errorMessage(),
          validator.validate(codex.inputSchema(), in).errorMessage(),
          in.toString());
      // a tree is validated as it is, with the same outcome
      assertEquals(
          expected.errorMessage(),
          validator.validate(codex.inputSchema(), Json.MAPPER.valueToTree(in)).errorMessage());
    }
    ObjectNode badPoll = Json.object().put("sessionId", "s").put("nextCursor", "not a number");
    badPoll.putArray("events");
    ValidationResponse expected = sdk.validate(check.outputSchema(), badPoll);
    ValidationResponse actual = validator.validate(check.outputSchema(), badPoll);
    assertFalse(actual.valid());
    assertEquals(expected.errorMessage(), actual.errorMessage());
  }

  @Test
  void validResultsCarryNoReserialisedText() {
    McpSchema.Tool session = ToolAdapter.toSdkTool(ToolCatalog.definition("codex_session"));
    ValidationResponse r =
        validator.validate(session.outputSchema(), Json.object().put("success", true));
    assertTrue(r.valid());
    assertNull(r.jsonStructuredOutput());
  }

  @Test
  void toSdkToolBuildsWhatJacksonWouldBind() {
    for (ObjectNode def : ToolCatalog.all()) {
      assertEquals(Json.MAPPER.convertValue(def, McpSchema.Tool.class), ToolAdapter.toSdkTool(def));
    }
  }
}
