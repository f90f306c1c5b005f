package io.github.codexmcp.codex;

import io.github.codexmcp.config.Platform;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a resolved executable plus arguments into an argv: direct on POSIX; on Windows, batch files
 * go through {@code ComSpec /d /s /c} and npm shims are unwrapped to {@code node script}.
 */
public final class CodexInvocation {
  private static final Pattern QUOTED_SCRIPT = Pattern.compile("\"([^\"]+\\.(?:js|mjs|cjs))\"");

  /** The argv and whether it runs through the Windows command interpreter. */
  public record Command(String cmd, List<String> args, boolean spawnedViaCmd) {
    public List<String> argv() {
      List<String> all = new ArrayList<>();
      all.add(cmd);
      all.addAll(args);
      return all;
    }
  }

  private final String platform;
  private final Map<String, String> env;
  private final CodexBinaryResolver resolver;

  public CodexInvocation(String platform, Map<String, String> env, CodexBinaryResolver resolver) {
    this.platform = platform;
    this.env = env;
    this.resolver = resolver;
  }

  /** Builds the command that runs {@code exe} with {@code args}. */
  public Command build(ResolvedExecutable exe, List<String> args) {
    boolean windows = Platform.isWindows(platform);
    if (exe.isPath()) {
      String lower = exe.command().toLowerCase(Locale.ROOT);
      if (windows && (lower.endsWith(".cmd") || lower.endsWith(".bat"))) {
        return viaComSpec(exe.command(), args);
      }
      return new Command(exe.command(), List.copyOf(args), false);
    }
    if (!windows) {
      return new Command(exe.command(), List.copyOf(args), false);
    }
    String name = exe.command();
    for (Path dir : resolver.pathDirs()) {
      for (String ext : List.of(".exe", ".cmd", ".bat", "")) {
        Path p = dir.resolve(name + ext);
        if (!Files.isRegularFile(p)) {
          continue;
        }
        if (ext.equals(".exe")) {
          return new Command(p.toString(), List.copyOf(args), false);
        }
        if (ext.equals(".cmd") || ext.equals(".bat")) {
          Optional<Path> script = shimScript(p, name);
          Optional<Path> node = resolver.findOnPath("node");
          if (script.isPresent() && node.isPresent()) {
            List<String> a = new ArrayList<>();
            a.add(script.get().toString());
            a.addAll(args);
            return new Command(node.get().toString(), a, false);
          }
        }
      }
    }
    return viaComSpec(name, args);
  }

  private Command viaComSpec(String target, List<String> args) {
    String comspec = env.getOrDefault("ComSpec", env.getOrDefault("COMSPEC", "cmd.exe"));
    List<String> a = new ArrayList<>(List.of("/d", "/s", "/c", target));
    a.addAll(args);
    return new Command(comspec, a, true);
  }

  /** Finds the JavaScript entry point an npm {@code .cmd} shim runs. */
  static Optional<Path> shimScript(Path shim, String commandName) {
    String text = CodexBinaryResolver.readQuietly(shim);
    List<String> scripts = new ArrayList<>();
    Matcher m = QUOTED_SCRIPT.matcher(text);
    while (m.find()) {
      scripts.add(m.group(1));
    }
    if (scripts.isEmpty()) {
      return Optional.empty();
    }
    String lowerName = commandName.toLowerCase(Locale.ROOT);
    String chosen = null;
    for (String s : scripts) {
      String base = s.replace('/', '\\');
      base = base.substring(base.lastIndexOf('\\') + 1).toLowerCase(Locale.ROOT);
      if (base.contains(lowerName)) {
        chosen = s;
        break;
      }
    }
    if (chosen == null) {
      for (String s : scripts) {
        String l = s.toLowerCase(Locale.ROOT);
        if (l.contains("@openai\\" + lowerName)
            || l.contains("\\" + lowerName + "\\")
            || l.contains("/" + lowerName + "/")) {
          chosen = s;
          break;
        }
      }
    }
    if (chosen == null) {
      chosen = scripts.get(scripts.size() - 1);
    }
    Path dir = shim.toAbsolutePath().getParent();
    String dirWithSep =
        dir.toString().endsWith("\\") || dir.toString().endsWith("/") ? dir.toString() : dir + "\\";
    String resolved = chosen.replace("%~dp0", dirWithSep).replace("%dp0%", dirWithSep);
    resolved = resolved.replace('/', '\\');
    try {
      Path p = Path.of(resolved.replace('\\', java.io.File.separatorChar));
      if (!p.isAbsolute()) {
        p = dir.resolve(p);
      }
      p = p.normalize();
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
