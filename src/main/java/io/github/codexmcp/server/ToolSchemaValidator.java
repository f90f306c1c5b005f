package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schema (2020-12) validator behind tool input and output checks, built for a server that
 * must answer {@code initialize} fast and validate every {@code tools/call} cheaply.
 *
 * <p>Same verdicts and messages as the SDK's {@code DefaultJsonSchemaValidator} for {@link
 * #validate}, with three differences:
 *
 * <ul>
 *   <li>Nothing is loaded until the first validation: the schema registry and its keyword classes
 *       cost tens of milliseconds of start-up, and {@code initialize} never needs them.
 *   <li>{@link #validateSchema} (the SDK's check at server build time that every tool schema
 *       conforms to the 2020-12 meta-schema) answers "valid" without loading the meta-schema. Our
 *       tool schemas are fixed class-path resources; {@link #conformsToMetaSchema} performs the
 *       real check and the unit tests run it over every tool.
 *   <li>Compiled schemas are cached by identity (the SDK hashes the whole schema map on every
 *       call), a {@link JsonNode} is validated as it is (no conversion), and a valid result does
 *       not carry the instance re-serialised as text: the SDK reads that text only for a result
 *       without content, and every result of ours has text content.
 * </ul>
 *
 * <p>Thread-safe: called on work threads and the stdin reader thread. {@code registry} is volatile
 * and created once, under this object's monitor (double-checked), on the first validation; the
 * monitor is held only for that creation, never across a call out. The compiled-schema cache is a
 * concurrent map.
 */
public final class ToolSchemaValidator implements JsonSchemaValidator {
  static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
  private static final int MAX_CACHED = 64;

  private final ObjectMapper mapper;
  private final Map<IdentityKey, Schema> compiled = new ConcurrentHashMap<>();
  private volatile SchemaRegistry registry;

  public ToolSchemaValidator(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object instance) {
    if (schema == null) {
      throw new IllegalArgumentException("Schema must not be null");
    }
    if (instance == null) {
      throw new IllegalArgumentException("Structured content must not be null");
    }
    try {
      JsonNode node =
          instance instanceof JsonNode j
              ? j
              : instance instanceof String s ? mapper.readTree(s) : mapper.valueToTree(instance);
      List<Error> errors = schemaFor(schema).validate(node);
      return errors.isEmpty()
          ? ValidationResponse.asValid(null)
          : ValidationResponse.asInvalid(
              "Validation failed: JSON schema validation errors: " + errors);
    } catch (JsonProcessingException e) {
      return ValidationResponse.asInvalid("Error parsing tool JSON Schema: " + e.getMessage());
    } catch (Exception e) {
      return ValidationResponse.asInvalid("Unexpected validation error: " + e.getMessage());
    }
  }

  /**
   * The validator to hand to the SDK. With tool inputs checked by {@link ToolAdapter}, the SDK
   * calls it for one purpose only: to check every tool result against the tool's output schema
   * before sending it. Our results are built by our own code, and the tests check each one they see
   * against its schema (on the client side, as a client would), so at run time that check only
   * costs CPU: a poll result carrying a few hundred events takes milliseconds, on every poll.
   * Unless {@code checkResults} is set (system property {@code codexmcp.checkResults=true}), the
   * returned validator accepts every result without looking at it.
   */
  public JsonSchemaValidator forResults(boolean checkResults) {
    if (checkResults) {
      return this;
    }
    return new JsonSchemaValidator() {
      @Override
      public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
        return ValidationResponse.asValid(null);
      }

      @Override
      public ValidationResponse validateSchema(Map<String, Object> schema) {
        return ValidationResponse.asValid(null);
      }
    };
  }

  /** Always valid; see the class comment and {@link #conformsToMetaSchema}. */
  @Override
  public ValidationResponse validateSchema(Map<String, Object> schema) {
    return ValidationResponse.asValid(null);
  }

  /**
   * Whether {@code schema} conforms to the 2020-12 meta-schema (the check the SDK would run at
   * build time for a schema without {@code $schema} or with the 2020-12 one); lists the errors if
   * not.
   */
  public ValidationResponse conformsToMetaSchema(Map<String, Object> schema) {
    Object declared = schema.get("$schema");
    if (declared != null && !META_SCHEMA.equals(declared.toString())) {
      return ValidationResponse.asValid(null);
    }
    List<Error> errors =
        registry().getSchema(SchemaLocation.of(META_SCHEMA)).validate(mapper.valueToTree(schema));
    return errors.isEmpty()
        ? ValidationResponse.asValid(null)
        : ValidationResponse.asInvalid("Schema does not conform to JSON Schema 2020-12: " + errors);
  }

  private Schema schemaFor(Map<String, Object> schema) {
    IdentityKey key = new IdentityKey(schema);
    Schema s = compiled.get(key);
    if (s == null) {
      s = registry().getSchema(mapper.<JsonNode>valueToTree(schema));
      if (compiled.size() < MAX_CACHED) { // a caller passing fresh maps must not grow it forever
        Schema raced = compiled.putIfAbsent(key, s);
        s = raced != null ? raced : s;
      }
    }
    return s;
  }

  private SchemaRegistry registry() {
    SchemaRegistry r = registry;
    if (r == null) {
      synchronized (this) {
        r = registry;
        if (r == null) {
          r = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());
          registry = r;
        }
      }
    }
    return r;
  }

  /** A map compared by identity: tool schemas are fixed objects, hashing them deeply is waste. */
  private record IdentityKey(Map<String, Object> map) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IdentityKey k && k.map == map;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(map);
    }
  }
}
