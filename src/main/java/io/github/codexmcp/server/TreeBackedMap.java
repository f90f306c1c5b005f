package io.github.codexmcp.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A read-only map over a JSON object of an incoming request, holding what Jackson's conversion of
 * the object to a map holds (strings, booleans, null, {@code Integer} or {@code Long} for integers
 * that fit them, maps and lists for containers), without converting it up front: a tool call's
 * arguments are validated and read as the tree they came as ({@link #tree()}), and the SDK only
 * passes the map along.
 */
final class TreeBackedMap extends AbstractMap<String, Object> {
  private static final TypeReference<LinkedHashMap<String, Object>> PLAIN =
      new TypeReference<>() {};

  private final ObjectNode tree;
  private volatile Map<String, Object> plain; // the whole conversion, made when first iterated

  TreeBackedMap(ObjectNode tree) {
    this.tree = tree;
  }

  /** The object this map shows; callers must not modify it. */
  ObjectNode tree() {
    return tree;
  }

  @Override
  public Object get(Object key) {
    JsonNode v = key instanceof String k ? tree.get(k) : null;
    if (v == null) {
      return null;
    }
    switch (v.getNodeType()) {
      case STRING:
        return v.textValue();
      case BOOLEAN:
        return v.booleanValue();
      case NULL:
        return null;
      default:
        if (v.isInt()) {
          return v.intValue();
        }
        if (v.isLong()) {
          return v.longValue();
        }
        return plain().get(key);
    }
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && tree.has(k);
  }

  @Override
  public int size() {
    return tree.size();
  }

  @Override
  public boolean isEmpty() {
    return tree.isEmpty();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return plain().entrySet();
  }

  private Map<String, Object> plain() {
    Map<String, Object> p = plain;
    if (p == null) {
      p = Collections.unmodifiableMap(Json.MAPPER.convertValue(tree, PLAIN));
      plain = p;
    }
    return p;
  }
}
