package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Serializes event {@code data} per {@link ResponseMode} (spec 30 §10). */
public final class EventShaper {
  /** Keys kept by {@link ResponseMode#MINIMAL}, after {@code method}, in output order. */
  public static final List<String> MINIMAL_KEYS =
      List.of(
          "delta",
          "message",
          "error",
          "status",
          "phase",
          "itemId",
          "turnId",
          "requestId",
          "kind",
          "decision",
          "timeout",
          "willRetry",
          "retryCount",
          "maxRetries");

  /**
   * Keys kept by {@link ResponseMode#DELTA_COMPACT}: the minimal ones, then {@code reason, command,
   * cwd, sourceMethod}.
   */
  public static final List<String> DELTA_COMPACT_KEYS =
      withExtra(MINIMAL_KEYS, "reason", "command", "cwd", "sourceMethod");

  private static List<String> withExtra(List<String> base, String... extra) {
    List<String> all = new java.util.ArrayList<>(base);
    all.addAll(List.of(extra));
    return List.copyOf(all);
  }

  private static final Map<String, Integer> MINIMAL_ORDER = order(MINIMAL_KEYS);
  private static final Map<String, Integer> DELTA_COMPACT_ORDER = order(DELTA_COMPACT_KEYS);

  private static Map<String, Integer> order(List<String> keys) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      m.put(keys.get(i), i);
    }
    return Map.copyOf(m);
  }

  /**
   * Whether shaping would rebuild {@code data} unchanged: a textual {@code method} or none first,
   * then only kept keys in their output order, and no delta to cut. Such data is returned as it is
   * (event data is immutable once buffered), which spares a copy per event per poll.
   */
  private static boolean alreadyShaped(JsonNode data, Map<String, Integer> order, int deltaLimit) {
    if (data.isEmpty()) {
      return false;
    }
    int last = -1;
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : data.properties()) {
      String key = e.getKey();
      if (first && key.equals("method")) {
        if (!e.getValue().isTextual()) {
          return false;
        }
      } else {
        Integer at = order.get(key);
        if (at == null || at <= last) {
          return false;
        }
        last = at;
        if (key.equals("delta")
            && e.getValue().isTextual()
            && e.getValue().textValue().length() > deltaLimit) {
          return false;
        }
      }
      first = false;
    }
    return true;
  }

  static final String MINIMAL_SUMMARY = "omitted for minimal response mode";

  private EventShaper() {}

  /**
   * Shapes one event's data. {@link ResponseMode#FULL} and non-object data are returned as is (the
   * same node); the other modes build a new object and never modify {@code data}.
   */
  public static JsonNode shape(JsonNode data, ResponseMode mode) {
    if (mode == ResponseMode.FULL || data == null || !data.isObject()) {
      return data;
    }
    List<String> keys = mode == ResponseMode.MINIMAL ? MINIMAL_KEYS : DELTA_COMPACT_KEYS;
    if (alreadyShaped(
        data,
        mode == ResponseMode.MINIMAL ? MINIMAL_ORDER : DELTA_COMPACT_ORDER,
        mode.deltaLimit())) {
      return data; // e.g. every streamed delta: {method, delta, itemId}
    }
    ObjectNode out = Json.object();
    JsonNode method = data.get("method");
    if (method != null && method.isTextual()) {
      out.set("method", method);
    }
    for (String key : keys) {
      JsonNode v = data.get(key);
      if (v != null) {
        out.set(key, v);
      }
    }
    JsonNode delta = out.get("delta");
    if (delta != null && delta.isTextual() && delta.asText().length() > mode.deltaLimit()) {
      out.put("delta", cut(delta.asText(), mode.deltaLimit()));
      out.put("deltaTruncated", true);
    }
    if (out.isEmpty()) {
      if (mode == ResponseMode.MINIMAL) {
        out.put("summary", MINIMAL_SUMMARY);
      } else {
        out.setAll((ObjectNode) data);
      }
    }
    return out;
  }

  /** First {@code limit} UTF-16 units, one fewer if the cut would split a surrogate pair. */
  static String cut(String s, int limit) {
    int end = limit;
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
