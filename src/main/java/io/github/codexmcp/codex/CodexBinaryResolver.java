package io.github.codexmcp.codex;

import io.github.codexmcp.config.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Codex executable: {@code CODEX_MCP_PATH}, then {@code CODEX_MCP_COMMAND} on PATH, then
 * {@code codex} or {@code codex-internal} on PATH, else the bare name {@code codex}. Stateless;
 * callers cache the result for the process lifetime.
 */
public final class CodexBinaryResolver {
  private static final List<String> WINDOWS_EXTENSIONS = List.of(".com", ".exe", ".bat", ".cmd");
  private final Map<String, String> env;
  private final Path serverCwd;
  private final String platform;

  public CodexBinaryResolver(Map<String, String> env, Path serverCwd, String platform) {
    this.env = env;
    this.serverCwd = serverCwd;
    this.platform = platform;
  }

  /** Thrown for a misconfiguration; the message is shown to the user as is. */
  public static final class ResolutionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResolutionException(String message) {
      super(message);
    }
  }

  /** Resolves once; throws {@link ResolutionException} on misconfiguration. */
  public ResolvedExecutable resolve() {
    String pathVar = clean(env.get("CODEX_MCP_PATH"));
    String commandVar = clean(env.get("CODEX_MCP_COMMAND"));
    if (!pathVar.isEmpty() && !commandVar.isEmpty()) {
      throw new ResolutionException(
          "Cannot set both CODEX_MCP_PATH and CODEX_MCP_COMMAND. Use one or the other.");
    }
    if (!pathVar.isEmpty()) {
      Path p;
      try {
        p = serverCwd.resolve(pathVar).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw new ResolutionException("CODEX_MCP_PATH=\"" + pathVar + "\" — file does not exist.");
      }
      if (!Files.exists(p)) {
        throw new ResolutionException("CODEX_MCP_PATH=\"" + pathVar + "\" — file does not exist.");
      }
      if (!isExecutableFile(p)) {
        throw new ResolutionException(
            "CODEX_MCP_PATH=\"" + pathVar + "\" — not an executable file.");
      }
      return new ResolvedExecutable(p.toString(), true, "env_path");
    }
    if (!commandVar.isEmpty()) {
      if (commandVar.contains("/") || commandVar.contains("\\")) {
        throw new ResolutionException(
            "CODEX_MCP_COMMAND=\""
                + commandVar
                + "\" looks like a path. Use CODEX_MCP_PATH for filesystem paths.");
      }
      return findOnPath(commandVar)
          .map(p -> new ResolvedExecutable(p.toString(), true, "env_command"))
          .orElseThrow(
              () ->
                  new ResolutionException(
                      "CODEX_MCP_COMMAND=\"" + commandVar + "\" was not found in PATH."));
    }
    for (String name : List.of("codex", "codex-internal")) {
      Optional<Path> hit = findOnPath(name);
      if (hit.isPresent()) {
        return new ResolvedExecutable(hit.get().toString(), true, "auto_detect");
      }
    }
    return new ResolvedExecutable("codex", false, "default");
  }

  /** The stderr line describing a resolution. */
  public static String describe(ResolvedExecutable r) {
    switch (r.source()) {
      case "env_path":
        return "[codex-executable] Using CODEX_MCP_PATH: " + r.command();
      case "env_command":
        return "[codex-executable] Using CODEX_MCP_COMMAND: resolved to " + r.command();
      case "auto_detect":
        return "[codex-executable] Auto-detected executable: " + r.command();
      default:
        return "[codex-executable] No codex found on PATH; falling back to \"codex\". Set"
            + " CODEX_MCP_COMMAND or CODEX_MCP_PATH to configure.";
    }
  }

  /** Trims and strips one pair of surrounding double quotes. */
  static String clean(String v) {
    if (v == null) {
      return "";
    }
    String s = v.trim();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1).trim();
    }
    return s;
  }

  /** PATH directories in order (first non-empty of PATH, Path, path). */
  List<Path> pathDirs() {
    String raw = null;
    for (String k : List.of("PATH", "Path", "path")) {
      String v = env.get(k);
      if (v != null && !v.isEmpty()) {
        raw = v;
        break;
      }
    }
    List<Path> dirs = new ArrayList<>();
    if (raw == null) {
      return dirs;
    }
    String sep = Platform.isWindows(platform) ? ";" : ":";
    for (String part : raw.split(java.util.regex.Pattern.quote(sep))) {
      String d = clean(part);
      if (d.isEmpty()) {
        continue;
      }
      try {
        dirs.add(Path.of(d));
      } catch (InvalidPathException ignored) {
        // unusable PATH entry
      }
    }
    return dirs;
  }

  /** Searches PATH for {@code name} with the platform's candidate names. */
  public Optional<Path> findOnPath(String name) {
    List<String> candidates = candidateNames(name);
    for (Path dir : pathDirs()) {
      for (String c : candidates) {
        Path p = dir.resolve(c);
        if (isExecutableFile(p)) {
          return Optional.of(p.toAbsolutePath().normalize());
        }
      }
    }
    return Optional.empty();
  }

  List<String> candidateNames(String name) {
    if (!Platform.isWindows(platform)) {
      return List.of(name);
    }
    if (name.contains(".") && name.lastIndexOf('.') > 0) {
      return List.of(name);
    }
    LinkedHashSet<String> exts = new LinkedHashSet<>();
    String pathext = env.getOrDefault("PATHEXT", "");
    for (String e : pathext.split(";")) {
      String x = e.trim().toLowerCase(Locale.ROOT);
      if (x.isEmpty()) {
        continue;
      }
      if (!x.startsWith(".")) {
        x = "." + x;
      }
      if (WINDOWS_EXTENSIONS.contains(x)) {
        exts.add(x);
      }
    }
    exts.addAll(WINDOWS_EXTENSIONS);
    List<String> out = new ArrayList<>();
    for (String e : exts) {
      out.add(name + e);
    }
    return out;
  }

  private boolean isExecutableFile(Path p) {
    try {
      if (!Files.isRegularFile(p)) {
        return false;
      }
      return Platform.isWindows(platform) || Files.isExecutable(p);
    } catch (SecurityException e) {
      return false;
    }
  }

  /** Reads a file or returns empty text. */
  static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
