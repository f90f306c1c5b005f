package io.github.codexmcp.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.codexmcp.tools.ToolCatalog;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import java.util.Map;

/** Asserts that a tool's structured result conforms to the tool's declared output schema. */
public final class OutputSchemas {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DefaultJsonSchemaValidator VALIDATOR =
      new DefaultJsonSchemaValidator(MAPPER);

  private OutputSchemas() {}

  /** Fails when {@code structured} (a Map or JsonNode) violates {@code tool}'s outputSchema. */
  public static void assertValid(String tool, Object structured) {
    Map<String, Object> schema =
        MAPPER.convertValue(
            ToolCatalog.definition(tool).get("outputSchema"),
            new TypeReference<Map<String, Object>>() {});
    Object value =
        structured instanceof Map ? structured : MAPPER.convertValue(structured, Object.class);
    JsonSchemaValidator.ValidationResponse r = VALIDATOR.validate(schema, value);
    assertTrue(
        r.valid(),
        () -> tool + " result violates its outputSchema: " + r.errorMessage() + "\n" + value);
  }
}
