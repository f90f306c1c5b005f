package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.util.Json;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings an exec session's turns run with: model, approval policy, sandbox, cwd and config.
 * They start from the launch options, {@code thread/start} params replace them, and a turn's {@code
 * model}, {@code approvalPolicy}, {@code cwd} and {@code sandboxPolicy} override them for this and
 * later turns, as the app-server does. Config is the launch {@code config} overlaid with the
 * thread's (later keys win). Not thread-safe: guarded by the owning {@link ExecBackend}'s lock.
 */
final class ExecSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ExecSettings.class);
  private final LaunchOptions launch;
  String model;
  String approvalPolicy;
  String sandbox;
  Path cwd;
  ObjectNode config;

  ExecSettings(LaunchOptions launch) {
    this.launch = launch;
    this.model = launch.model();
    this.approvalPolicy = launch.approvalPolicy();
    this.sandbox = launch.sandbox();
    this.cwd = launch.cwd();
    this.config = launch.config();
  }

  /** {@code thread/start} params, each falling back to the launch options. */
  void applyThread(ObjectNode p) {
    model = firstNonNull(Json.text(p, "model"), launch.model());
    approvalPolicy = firstNonNull(Json.text(p, "approvalPolicy"), launch.approvalPolicy());
    sandbox = firstNonNull(Json.text(p, "sandbox"), launch.sandbox());
    Path threadCwd = path(Json.text(p, "cwd"));
    cwd = threadCwd != null ? threadCwd : launch.cwd();
    config = mergeConfig(launch.config(), p.get("config"));
  }

  /** A turn's overrides, for this and later turns. */
  void applyTurn(ObjectNode p) {
    String m = Json.text(p, "model");
    if (m != null) {
      model = m;
    }
    String policy = Json.text(p, "approvalPolicy");
    if (policy != null) {
      approvalPolicy = policy;
    }
    Path c = path(Json.text(p, "cwd"));
    if (c != null) {
      cwd = c;
    }
    JsonNode sandboxPolicy = p.get("sandboxPolicy");
    String s = Json.text(p, "sandbox");
    if (sandboxPolicy != null && sandboxPolicy.isObject()) {
      String type = Json.text(sandboxPolicy, "type");
      String mapped = ExecCommandLine.sandboxForPolicy(type);
      if (mapped != null) {
        sandbox = mapped;
      } else {
        LOG.warn("[exec-client] sandboxPolicy {} cannot be expressed by codex exec; ignored", type);
      }
    } else if (s != null) {
      sandbox = s;
    }
  }

  private static ObjectNode mergeConfig(ObjectNode base, JsonNode overlay) {
    if (overlay == null || !overlay.isObject() || overlay.isEmpty()) {
      return base;
    }
    ObjectNode merged = base == null ? Json.object() : base.deepCopy();
    merged.setAll((ObjectNode) overlay);
    return merged;
  }

  private static Path path(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
