package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks the Codex app-server JSON schema ({@code codex app-server generate-json-schema
 * --experimental --out DIR}) against what the server relies on, listed in one place: the test
 * resource {@value #RESOURCE}.
 *
 * <p>The list has three parts: {@code methods} (per union type such as {@code ClientRequest}, the
 * values of its variants' {@code method}), {@code fields} (per definition, property names that must
 * appear somewhere in it, variants included) and {@code enumValues} (per definition, strings that
 * must appear in an {@code enum} or {@code const} somewhere in it). {@code $ref}s are not followed:
 * each entry names the definition that holds the thing.
 */
public final class AppServerContract {
  /** Classpath location of the list of what the server relies on. */
  public static final String RESOURCE = "/codex/app-server-contract.json";

  private final JsonNode contract;

  private AppServerContract(JsonNode contract) {
    this.contract = contract;
  }

  /** The list shipped with the tests. */
  public static AppServerContract load() {
    try (InputStream in = AppServerContract.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      return new AppServerContract(Json.MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A list given as JSON (tests of the checker). */
  public static AppServerContract of(JsonNode contract) {
    return new AppServerContract(contract);
  }

  /** Number of methods, fields and enum values listed. */
  public int size() {
    int n = 0;
    for (String part : List.of("methods", "fields", "enumValues")) {
      for (JsonNode values : contract.path(part)) {
        n += values.size();
      }
    }
    return n;
  }

  /**
   * What is listed but missing from the schema in {@code dir}, one line each (empty when all is
   * there).
   */
  public List<String> missingFrom(Path dir) {
    Map<String, JsonNode> defs = definitions(dir);
    List<String> missing = new ArrayList<>();
    contract
        .path("methods")
        .fields()
        .forEachRemaining(
            e -> check(defs, e.getKey(), e.getValue(), "method", missing, this::methods));
    contract
        .path("fields")
        .fields()
        .forEachRemaining(
            e -> check(defs, e.getKey(), e.getValue(), "field", missing, this::properties));
    contract
        .path("enumValues")
        .fields()
        .forEachRemaining(
            e -> check(defs, e.getKey(), e.getValue(), "enum value", missing, this::strings));
    return missing;
  }

  private interface Collector {
    void collect(JsonNode def, Set<String> into);
  }

  private void check(
      Map<String, JsonNode> defs,
      String name,
      JsonNode wanted,
      String what,
      List<String> missing,
      Collector collector) {
    JsonNode def = defs.get(name);
    if (def == null) {
      missing.add("definition " + name + " (needed for its " + what + "s " + wanted + ")");
      return;
    }
    Set<String> present = new TreeSet<>();
    collector.collect(def, present);
    for (JsonNode w : wanted) {
      if (!present.contains(w.asText())) {
        missing.add(what + " " + name + "." + w.asText());
      }
    }
  }

  /** Every definition of every schema file under {@code dir}, plus each file by its title. */
  static Map<String, JsonNode> definitions(Path dir) {
    Map<String, JsonNode> defs = new HashMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (!f.toString().endsWith(".json") || !Files.isRegularFile(f)) {
          continue;
        }
        JsonNode schema = Json.MAPPER.readTree(f.toFile());
        schema
            .path("definitions")
            .fields()
            .forEachRemaining(e -> defs.putIfAbsent(e.getKey(), e.getValue()));
        String title = Json.text(schema, "title");
        String name = f.getFileName().toString().replaceFirst("\\.json$", "");
        defs.putIfAbsent(title != null ? title : name, schema);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return defs;
  }

  /** The {@code method} values of a union's variants. */
  private void methods(JsonNode union, Set<String> into) {
    for (String key : List.of("oneOf", "anyOf")) {
      for (JsonNode variant : union.path(key)) {
        JsonNode method = variant.path("properties").path("method");
        method.path("enum").forEach(v -> into.add(v.asText()));
        if (method.hasNonNull("const")) {
          into.add(method.get("const").asText());
        }
      }
    }
  }

  /** Property names anywhere in {@code node}. */
  private void properties(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      node.path("properties").fieldNames().forEachRemaining(into::add);
      node.fields().forEachRemaining(e -> properties(e.getValue(), into));
    } else if (node.isArray()) {
      node.forEach(n -> properties(n, into));
    }
  }

  /** {@code enum} and {@code const} strings anywhere in {@code node}. */
  private void strings(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      node.path("enum").forEach(v -> into.add(v.asText()));
      if (node.path("const").isTextual()) {
        into.add(node.get("const").asText());
      }
      node.fields().forEachRemaining(e -> strings(e.getValue(), into));
    } else if (node.isArray()) {
      node.forEach(n -> strings(n, into));
    }
  }
}
