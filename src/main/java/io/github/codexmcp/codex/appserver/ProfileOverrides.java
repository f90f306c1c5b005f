package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selects a Codex configuration profile for {@code codex app-server}, which on 0.169 has no {@code
 * -p/--profile} option.
 *
 * <p><b>What 0.169 does (verified with the real CLI).</b> {@code codex app-server -p x} fails
 * ({@code unexpected argument '-p'}); {@code -c profile=x} and {@code thread/start}'s {@code
 * config: {"profile": "x"}} are both refused ({@code legacy `profile = "x"` config is no longer
 * supported; use `--profile x` with `x.config.toml` instead}); a legacy {@code [profiles.x]} table
 * in {@code config.toml} is ignored. For the commands that do accept {@code -p} (exec, the TUI), a
 * profile is the file {@code $CODEX_HOME/<name>.config.toml}, layered over {@code config.toml}.
 *
 * <p><b>What we do.</b> Read that file ourselves and pass each of its settings as a {@code -c
 * key=value} override (values verbatim: Codex parses {@code -c} values as TOML). Overrides come
 * first on the command line so that the tool's explicit {@code model}, {@code approvalPolicy},
 * {@code sandbox} and {@code advanced.config} still win. When no such file exists, a legacy {@code
 * [profiles.<name>]} table of {@code config.toml} is used instead (the 0.106 meaning of {@code -p},
 * which the reference relied on). Neither → {@code INVALID_ARGUMENT}.
 *
 * <p>Differences from a real {@code -p}: the settings sit in the session-flags layer, so they also
 * override project-local {@code .codex/config.toml} files (the real profile layer sits below them),
 * and they are visible in the child's argument list.
 *
 * <p>Thread-safety: stateless; reads files on the calling thread.
 */
public final class ProfileOverrides {
  private static final Logger LOG = LoggerFactory.getLogger(ProfileOverrides.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final String SUFFIX = ".config.toml";

  private ProfileOverrides() {}

  /** {@code $CODEX_HOME}, else {@code $HOME/.codex}, else {@code <user.home>/.codex}. */
  public static Path codexHome(Map<String, String> env) {
    String home = env.get("CODEX_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    String user = env.get("HOME");
    if (user == null || user.isBlank()) {
      user = System.getProperty("user.home");
    }
    return Path.of(user, ".codex");
  }

  /**
   * The {@code key=value} texts (for {@code -c}) selecting {@code profile}, in file order.
   *
   * @throws CodexMcpException {@code INVALID_ARGUMENT} for a bad name, a missing profile or a file
   *     that cannot be read or split
   */
  public static List<String> resolve(Path codexHome, String profile) {
    if (profile == null || !NAME.matcher(profile).matches() || profile.contains("..")) {
      throw CodexMcpException.invalid(
          "Invalid profile name '" + profile + "': use a plain name such as 'work'");
    }
    Path file = codexHome.resolve(profile + SUFFIX);
    if (Files.isRegularFile(file)) {
      return toOverrides(read(file, profile), profile, file.getFileName().toString());
    }
    Path base = codexHome.resolve("config.toml");
    if (Files.isRegularFile(base)) {
      List<TomlFlattener.Entry> legacy = new ArrayList<>();
      for (TomlFlattener.Entry e : read(base, profile)) {
        List<String> p = e.path();
        if (p.size() > 2 && p.get(0).equals("profiles") && p.get(1).equals(profile)) {
          legacy.add(new TomlFlattener.Entry(p.subList(2, p.size()), e.rawValue()));
        }
      }
      if (!legacy.isEmpty()) {
        LOG.info(
            "[codex-mcp] profile '{}': using the legacy [profiles.{}] table of config.toml"
                + " (prefer $CODEX_HOME/{}{})",
            profile,
            profile,
            profile,
            SUFFIX);
        return toOverrides(legacy, profile, "config.toml");
      }
    }
    throw CodexMcpException.invalid(
        "Profile '"
            + profile
            + "' not found: expected $CODEX_HOME/"
            + profile
            + SUFFIX
            + " (or a legacy [profiles."
            + profile
            + "] table in $CODEX_HOME/config.toml)");
  }

  /** Renders flattened entries as {@code -c} texts (see {@link #override}). */
  static List<String> toOverrides(List<TomlFlattener.Entry> entries, String profile, String file) {
    List<String> out = new ArrayList<>(entries.size());
    for (TomlFlattener.Entry e : entries) {
      try {
        out.add(override(e.path(), e.rawValue()));
      } catch (IllegalArgumentException ex) {
        throw CodexMcpException.invalid(
            "Cannot use profile '" + profile + "' from " + file + ": " + ex.getMessage());
      }
    }
    return out;
  }

  /**
   * One {@code -c} text. Codex splits {@code -c} keys on dots, so the key holds only the leading
   * segments that are plain bare keys; the rest of the path (for example a quoted project path
   * containing dots) moves into an inline table: {@code projects={"/a/b.c".trust_level = "x"}}.
   */
  static String override(List<String> path, String raw) {
    int plain = 0;
    while (plain < path.size() && isPlain(path.get(plain))) {
      plain++;
    }
    if (plain == 0) {
      throw new IllegalArgumentException(
          "top-level key " + quote(path.get(0)) + " cannot be passed to codex as -c");
    }
    String key = String.join(".", path.subList(0, plain));
    if (plain == path.size()) {
      return key + "=" + raw;
    }
    List<String> rest = new ArrayList<>();
    for (String segment : path.subList(plain, path.size())) {
      rest.add(isPlain(segment) ? segment : quote(segment));
    }
    return key + "={" + String.join(".", rest) + " = " + raw + "}";
  }

  private static boolean isPlain(String segment) {
    if (segment.isEmpty()) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (!TomlFlattener.isBare(segment.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static String quote(String key) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static List<TomlFlattener.Entry> read(Path file, String profile) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CodexMcpException(
          ErrorCode.INVALID_ARGUMENT,
          "Cannot read profile '"
              + profile
              + "' from "
              + file.getFileName()
              + ": "
              + Redactor.redactPaths(String.valueOf(e.getMessage())),
          e);
    }
    try {
      return TomlFlattener.flatten(text);
    } catch (IllegalArgumentException e) {
      throw CodexMcpException.invalid(
          "Cannot use profile '"
              + profile
              + "' from "
              + file.getFileName()
              + ": "
              + e.getMessage());
    }
  }
}
