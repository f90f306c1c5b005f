package io.github.codexmcp.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pre-flight check of the stdio setup: an MCP server must be launched with piped stdio, and shell
 * wrappers that print banners corrupt the JSON-RPC stream. Pure function of its inputs.
 */
public final class StdioGuard {
  static final String TTY_MESSAGE =
      "STDIO appears attached to a terminal (TTY). MCP clients should launch codex-mcp with piped"
          + " stdio.";
  static final String POWERSHELL_MESSAGE =
      "PowerShell environment detected on Windows; shell profiles can print banner text to stdout.";
  public static final String STRICT_FAILURE =
      "STDIO preflight failed in strict mode due to blocking stdout contamination risk";
  private static final List<String> POWERSHELL_VARS =
      List.of(
          "POWERSHELL_DISTRIBUTION_CHANNEL",
          "PSModulePath",
          "PSExecutionPolicyPreference",
          "PSModuleAnalysisCachePath");

  private StdioGuard() {}

  /** Resolved {@code CODEX_MCP_STDIO_MODE}: mode, where it came from, the raw invalid value. */
  public record ModeResolution(String mode, String source, String invalidRaw) {}

  /** Outcome of the preflight. */
  public record Preflight(
      String mode,
      String modeSource,
      String invalidMode,
      String riskLevel,
      List<String> riskReasons,
      List<String> blockingReasons,
      List<String> notes,
      List<String> suggestions,
      boolean shouldBlock) {}

  /** Interprets {@code CODEX_MCP_STDIO_MODE}. */
  public static ModeResolution resolveMode(Map<String, String> env) {
    String raw = env.get("CODEX_MCP_STDIO_MODE");
    if (raw == null || raw.trim().isEmpty()) {
      return new ModeResolution("auto", "default", null);
    }
    String m = raw.trim().toLowerCase(Locale.ROOT);
    if (m.equals("auto") || m.equals("strict") || m.equals("off")) {
      return new ModeResolution(m, "env", null);
    }
    return new ModeResolution("auto", "env_invalid", raw);
  }

  /** Evaluates the stdio risk for the given platform, environment and terminal state. */
  public static Preflight preflight(
      String platform, Map<String, String> env, boolean stdinTty, boolean stdoutTty) {
    ModeResolution mode = resolveMode(env);
    List<String> notes = new ArrayList<>();
    if (mode.invalidRaw() != null) {
      notes.add(
          "Invalid CODEX_MCP_STDIO_MODE='" + mode.invalidRaw() + "'. Falling back to 'auto'.");
    }
    if (mode.mode().equals("off")) {
      return new Preflight(
          mode.mode(),
          mode.source(),
          mode.invalidRaw(),
          "low",
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          false);
    }
    List<String> risks = new ArrayList<>();
    List<String> blocking = new ArrayList<>();
    boolean windows = Platform.isWindows(platform);
    if (windows) {
      for (String v : POWERSHELL_VARS) {
        String val = env.get(v);
        if (val != null && !val.isEmpty()) {
          risks.add(POWERSHELL_MESSAGE);
          break;
        }
      }
    }
    if (stdinTty || stdoutTty) {
      notes.add(TTY_MESSAGE);
      risks.add(TTY_MESSAGE);
      blocking.add(TTY_MESSAGE);
    }
    boolean elevated = !risks.isEmpty();
    List<String> suggestions = new ArrayList<>();
    if (elevated) {
      if (windows) {
        suggestions.add(
            "When a shell wrapper is unavoidable, start it without profiles: pwsh -NoProfile -Command"
                + " \"java -jar codex-mcp.jar\".");
        suggestions.add("Remove or silence profile scripts that print banners or prompts.");
      }
      suggestions.add(
          "Launch codex-mcp directly from the MCP client configuration (command 'java', args ['-jar',"
              + " '/path/to/codex-mcp.jar']).");
      suggestions.add("Keep stdout for JSON-RPC only; send diagnostics to stderr.");
      suggestions.add(
          "codex-mcp cannot clean text that a shell prints to stdout before the MCP handshake.");
    }
    boolean block = mode.mode().equals("strict") && !blocking.isEmpty();
    return new Preflight(
        mode.mode(),
        mode.source(),
        mode.invalidRaw(),
        elevated ? "elevated" : "low",
        List.copyOf(risks),
        List.copyOf(blocking),
        List.copyOf(notes),
        List.copyOf(suggestions),
        block);
  }
}
