package io.github.codexmcp.resources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexVersionRange;
import io.github.codexmcp.config.Platform;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** The six read-only resources and their content (generated on every read). */
public final class ResourceCatalog {
  /** One resource's metadata. */
  public record Entry(String uri, String name, String title, String description, String mimeType) {}

  public static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              "codex-mcp:///server-info",
              "server_info",
              "Server Info",
              "Server metadata and runtime capabilities",
              "application/json"),
          new Entry(
              "codex-mcp:///compat-report",
              "compat_report",
              "Compat Report",
              "Cross-backend compatibility capability report",
              "application/json"),
          new Entry(
              "codex-mcp:///config",
              "config",
              "Config Guide",
              "Parameter guide and config.toml mapping",
              "text/markdown"),
          new Entry(
              "codex-mcp:///gotchas",
              "gotchas",
              "Gotchas",
              "Practical limits and common issues",
              "text/markdown"),
          new Entry(
              "codex-mcp:///quickstart",
              "quickstart",
              "Quickstart",
              "Minimal end-to-end workflow",
              "text/markdown"),
          new Entry(
              "codex-mcp:///errors",
              "errors",
              "Errors",
              "Error code reference and recovery hints",
              "text/markdown"));

  /** Live values the JSON resources report. */
  public interface Runtime {
    String clientMode();

    String stdioMode();

    int activeSessions();

    String observedDefaultModel();

    boolean persistenceEnabled();
  }

  private final Runtime runtime;
  private final Supplier<String> codexVersion;
  private final CodexVersionRange tested;

  public ResourceCatalog(Runtime runtime, Supplier<String> codexVersion) {
    this(runtime, codexVersion, CodexVersionRange.bundled());
  }

  /**
   * @param tested the Codex versions this build was tested with (compat-report warns outside)
   */
  public ResourceCatalog(Runtime runtime, Supplier<String> codexVersion, CodexVersionRange tested) {
    this.runtime = runtime;
    this.codexVersion = codexVersion;
    this.tested = tested;
  }

  /** Text content of a resource by URI; null for an unknown URI. */
  public String read(String uri) {
    switch (uri) {
      case "codex-mcp:///server-info":
        return Json.pretty(serverInfo());
      case "codex-mcp:///compat-report":
        return Json.pretty(compatReport());
      case "codex-mcp:///config":
        return markdown("config");
      case "codex-mcp:///gotchas":
        return markdown("gotchas");
      case "codex-mcp:///quickstart":
        return markdown("quickstart");
      case "codex-mcp:///errors":
        return markdown("errors");
      default:
        return null;
    }
  }

  ObjectNode serverInfo() {
    ObjectNode o = Json.object();
    o.put("name", "codex-mcp");
    o.put("version", ServerConfig.VERSION);
    o.put("codexCliVersion", codexVersion.get());
    o.put("clientMode", runtime.clientMode());
    o.put("node", "java " + System.getProperty("java.version"));
    o.put("runtime", "java " + System.getProperty("java.version"));
    o.put("platform", Platform.current());
    o.put("arch", Platform.arch());
    o.put("stdioMode", runtime.stdioMode());
    strings(
        o.putArray("supportedApprovalPolicies"), "untrusted", "on-failure", "on-request", "never");
    strings(
        o.putArray("supportedSandboxModes"), "read-only", "workspace-write", "danger-full-access");
    strings(
        o.putArray("supportedEffortLevels"), "none", "minimal", "low", "medium", "high", "xhigh");
    o.put("activeSessions", runtime.activeSessions());
    String model = runtime.observedDefaultModel();
    o.put("defaultModel", model);
    o.put("defaultModelSource", model == null ? "unknown" : "session-default");
    ArrayNode res = o.putArray("resources");
    for (Entry e : ENTRIES) {
      res.addObject()
          .put("uri", e.uri())
          .put("title", e.title())
          .put("mimeType", e.mimeType())
          .put("description", e.description());
    }
    return o;
  }

  ObjectNode compatReport() {
    ObjectNode o = Json.object();
    o.put("schemaVersion", "1.0.0");
    ObjectNode f = o.putObject("features");
    f.put("respondPermission", true);
    f.put("respondApprovalAlias", false);
    f.put("respondUserInput", true);
    f.put("sessionInterrupt", true);
    f.put("responseModeMinimal", true);
    f.put("responseModeDeltaCompact", true);
    f.put("responseModeFull", true);
    f.put("pollOptionsBase", true);
    f.put("maxBytesTruncation", true);
    f.put("compatWarnings", true);
    f.put("diskResume", false);
    f.put("dynamicTools", false);
    f.put("toolPermissionControl", false);
    f.put("longPolling", true);
    f.put("skipDeltas", true);
    f.put("finalOnly", true);
    f.put("progressReporting", true);
    f.put("foregroundWait", true);
    f.put("sessionClean", true);
    f.put("codexSetup", true);
    // what MCP clients get beyond the tools
    f.put("serverInstructions", true);
    f.put("approvalChannelElicit", true);
    f.put("logNotifications", true);
    f.put("waitCapWithoutProgressToken", true);
    f.put("noAnswerToCancelledRequests", true);
    f.put("diskPersistence", runtime.persistenceEnabled());
    ObjectNode check = o.putObject("recommendedSettings").putObject("codexCheck");
    check.put("responseMode", "minimal");
    check
        .putObject("pollOptions")
        .put("includeEvents", true)
        .put("includeActions", true)
        .put("includeResult", true);
    o.putObject("toolCounts").put("core", 5);
    ArrayNode warnings = o.putArray("runtimeWarnings");
    String version = codexVersion.get();
    if (version == null) {
      warnings.add("Unable to detect local codex CLI version from PATH.");
    }
    if (!runtime.persistenceEnabled()) {
      warnings.add(
          "Disk persistence is off: sessions are held in memory only and are lost when the server restarts.");
    }
    ArrayNode mismatches = o.putArray("detectedMismatches");
    tested
        .check(version)
        .ifPresent(
            m -> {
              warnings.add(m.message());
              mismatches
                  .addObject()
                  .put("kind", m.kind())
                  .put("component", "codexCli")
                  .put("detected", m.detected())
                  .put("testedMinimum", tested.minimum())
                  .put("testedNewest", tested.newestTested())
                  .put("message", m.message());
            });
    ObjectNode rt = o.putObject("runtime");
    rt.put("codexMcpVersion", ServerConfig.VERSION);
    rt.put("codexCliVersion", version);
    rt.put("activeSessions", runtime.activeSessions());
    rt.putObject("testedCodexVersions")
        .put("minimum", tested.minimum())
        .put("newestTested", tested.newestTested());
    return o;
  }

  private static void strings(ArrayNode arr, String... values) {
    for (String v : values) {
      arr.add(v);
    }
  }

  static String markdown(String name) {
    try (InputStream in = ResourceCatalog.class.getResourceAsStream("/docs/" + name + ".md")) {
      if (in == null) {
        throw new IllegalStateException("missing /docs/" + name + ".md");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
