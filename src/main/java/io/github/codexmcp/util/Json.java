package io.github.codexmcp.util;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The one shared {@link ObjectMapper} and small JSON helpers. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  // UTF-8 output keeps characters beyond the BMP as they are (not as escaped surrogate pairs),
  // like the text a character-based writer produces
  private static final ObjectWriter PRETTY =
      MAPPER.writer(stringifyPrinter()).with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);
  private static final ObjectWriter COMPACT_UTF8 =
      MAPPER.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** Compact JSON text. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Jackson's printer for the layout of JavaScript's {@code JSON.stringify(v, null, 2)}: two spaces
   * per level for objects and arrays alike, {@code "name": value}, one element per line, empty
   * containers as {@code {}} and {@code []}, {@code \n} line breaks on every platform.
   */
  public static DefaultPrettyPrinter stringifyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    Separators seps =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter(seps).withObjectIndenter(indenter).withArrayIndenter(indenter);
  }

  /**
   * JSON text indented by two spaces, as shown to MCP clients and written to state files: the
   * layout of {@code JSON.stringify(v, null, 2)} ({@link #stringifyPrinter}), written by {@link
   * PrettyJson} for the trees it handles, else by Jackson as UTF-8 bytes and decoded (one byte
   * generator family on every hot path, not a second for the JIT to compile).
   */
  public static String pretty(Object value) {
    return new String(prettyBytes(value), StandardCharsets.UTF_8);
  }

  /** As {@link #pretty}, as UTF-8 bytes. */
  public static byte[] prettyBytes(Object value) {
    byte[] quick = value instanceof JsonNode node ? PrettyJson.write(node) : null;
    if (quick != null) {
      return quick;
    }
    ReusableBytes b = PRETTY_BUFFER.get();
    try {
      PRETTY.writeValue(b, value);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      b.clear();
    }
  }

  /** Per-thread buffer of {@link #prettyBytes} when Jackson writes the text. */
  private static final ThreadLocal<ReusableBytes> PRETTY_BUFFER =
      ThreadLocal.withInitial(() -> new ReusableBytes(8 * 1024, 1024 * 1024));

  /** A generator writing compact UTF-8 JSON to {@code out}; closing it closes {@code out}. */
  public static JsonGenerator utf8Generator(OutputStream out) throws IOException {
    return COMPACT_UTF8.createGenerator(out);
  }

  /** Compact JSON as UTF-8 bytes (written by {@link PrettyJson} for the trees it handles). */
  public static byte[] bytes(Object value) {
    byte[] quick = value instanceof JsonNode node ? PrettyJson.compact(node) : null;
    if (quick != null) {
      return quick;
    }
    try {
      return COMPACT_UTF8.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON text; throws {@link UncheckedIOException} on malformed input. */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
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
}
