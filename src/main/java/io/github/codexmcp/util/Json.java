package io.github.codexmcp.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one shared Jackson set-up: one {@link JsonFactory}, one {@link ObjectMapper} built on it, and
 * the immutable (thread-safe, reusable) readers and writers every package uses, plus small helpers.
 *
 * <p>Two layouts are written: compact (the wire: MCP messages, Codex's JSON-RPC, event log lines)
 * and the layout of JavaScript's {@code JSON.stringify(v, null, 2)} (tool result text, JSON
 * resources, state files). Both as UTF-8 with characters beyond the BMP kept as they are, not as
 * escaped surrogate pairs.
 *
 * <p>Thread-safety: stateless apart from Jackson's own caches; every method may be called from any
 * thread.
 */
public final class Json {
  /** The shared factory: streaming parsers and generators come from it. */
  public static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  public static final ObjectMapper MAPPER =
      new ObjectMapper(FACTORY).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** Reads JSON trees; reusable from any thread. */
  public static final ObjectReader TREE_READER = MAPPER.reader();

  /** Compact JSON; reusable from any thread. */
  public static final ObjectWriter COMPACT = MAPPER.writer();

  /** The {@code JSON.stringify(v, null, 2)} layout ({@link StringifyPrinter}). */
  public static final ObjectWriter PRETTY = MAPPER.writer(new StringifyPrinter());

  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * Jackson's printer for the layout of JavaScript's {@code JSON.stringify(v, null, 2)}: two spaces
   * per level for objects and arrays alike, {@code "name": value}, one element per line, empty
   * containers as {@code {}} and {@code []}, {@code \n} line breaks on every platform.
   */
  public static final class StringifyPrinter extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;
    private static final DefaultIndenter INDENTER = new DefaultIndenter("  ", "\n");
    private static final Separators SEPARATORS =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");

    public StringifyPrinter() {
      super(SEPARATORS);
      _objectIndenter = INDENTER;
      _arrayIndenter = INDENTER;
    }

    @Override
    public StringifyPrinter createInstance() {
      return new StringifyPrinter();
    }
  }

  /** A fresh {@link StringifyPrinter}. */
  public static DefaultPrettyPrinter stringifyPrinter() {
    return new StringifyPrinter();
  }

  /** Compact JSON text. */
  public static String write(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compact JSON as UTF-8 bytes. */
  public static byte[] bytes(Object value) {
    try {
      return COMPACT.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON text in the {@code JSON.stringify(v, null, 2)} layout ({@link StringifyPrinter}). */
  public static String pretty(Object value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #pretty}, as UTF-8 bytes. */
  public static byte[] prettyBytes(Object value) {
    try {
      return PRETTY.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generator writing compact UTF-8 JSON to {@code out}; closing it closes {@code out}. */
  public static JsonGenerator utf8Generator(OutputStream out) throws IOException {
    return FACTORY.createGenerator(out);
  }

  /** A streaming parser over {@code len} bytes of UTF-8 JSON from {@code off}. */
  public static JsonParser parser(byte[] bytes, int off, int len) throws IOException {
    return FACTORY.createParser(bytes, off, len);
  }

  /** Parses JSON text; throws {@link UncheckedIOException} on malformed input. */
  public static JsonNode parse(String text) {
    try {
      return TREE_READER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses {@code len} bytes of UTF-8 JSON from {@code off} into a tree; null for no content.
   *
   * @throws IOException when the bytes are not one JSON value
   */
  public static JsonNode parse(byte[] bytes, int off, int len) throws IOException {
    return TREE_READER.readTree(bytes, off, len);
  }

  /** {@code node.get(field)} as text when it is a string, else null. */
  public static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** Non-empty string at {@code field}, else null. */
  public static String nonEmptyText(JsonNode node, String field) {
    String s = text(node, field);
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * JavaScript truthiness of a JSON value: missing, null, false, 0 and "" are false; objects and
   * arrays are true.
   */
  public static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v.isTextual()) {
      return !v.asText().isEmpty();
    }
    return true;
  }
}
