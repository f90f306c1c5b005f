package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The content of {@code pid.json}: who the session's Codex child was, so that a later server can
 * recognise and stop it (spec 40 §4.2, §8).
 *
 * <p>On disk: {@code {"version":1,"pid":…,"spawnedAt":"<ISO>","model"?:…,
 * "processStartedAt"?:"<ISO>","executable"?:…}}. {@code spawnedAt} is our clock at spawn (the only
 * field besides {@code pid} that older writers provide); {@code processStartedAt} and {@code
 * executable} are the operating system's view of the process captured right after the spawn and are
 * preferred by the {@link OrphanReaper} when present. The 2.1.7 key {@code command} (which held the
 * model) is ignored. Immutable.
 */
public record PidRecord(
    long pid, String spawnedAt, String model, String processStartedAt, String executable) {

  /** Version written into {@code pid.json}. */
  public static final int VERSION = 1;

  /** {@link #spawnedAt} as an instant, or null when absent or unparseable. */
  public Instant spawnedInstant() {
    return parseInstant(spawnedAt);
  }

  /** {@link #processStartedAt} as an instant, or null when absent or unparseable. */
  public Instant processStartInstant() {
    return parseInstant(processStartedAt);
  }

  /** The {@code pid.json} document. */
  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("version", VERSION);
    n.put("pid", pid);
    if (spawnedAt != null) {
      n.put("spawnedAt", spawnedAt);
    }
    if (model != null) {
      n.put("model", model);
    }
    if (processStartedAt != null) {
      n.put("processStartedAt", processStartedAt);
    }
    if (executable != null) {
      n.put("executable", executable);
    }
    return n;
  }

  /**
   * Lenient read; null when {@code pid} is not a positive integer or the version is unknown (a
   * missing version means a 2.1.7 file and is accepted).
   */
  public static PidRecord fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    JsonNode v = n.get("version");
    if (v != null && !(v.canConvertToInt() && v.asInt() == VERSION)) {
      return null;
    }
    JsonNode p = n.get("pid");
    if (p == null || !p.isIntegralNumber() || !p.canConvertToLong() || p.asLong() <= 0) {
      return null;
    }
    return new PidRecord(
        p.asLong(),
        Json.text(n, "spawnedAt"),
        Json.text(n, "model"),
        Json.text(n, "processStartedAt"),
        Json.text(n, "executable"));
  }

  static Instant parseInstant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
