package io.github.codexmcp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A per-test sandbox for running the real Codex CLI against a {@link ScriptedModelServer}.
 *
 * <p>Creates a fresh temporary directory with
 *
 * <ul>
 *   <li>{@code home/} — {@code HOME} for the child,
 *   <li>{@code home/.codex/} — {@code CODEX_HOME}, holding the generated {@code config.toml},
 *   <li>{@code work/} — the project directory (cwd), registered as a trusted project.
 * </ul>
 *
 * <p>{@code config.toml} is the one of spec 95 §2: model {@code mock-model} from provider {@code
 * mock} at {@code http://127.0.0.1:<port>/v1} with {@code wire_api = "responses"} and no retries,
 * plus {@code [projects."<work>"] trust_level = "trusted"}, plus any extra TOML the test passes (or
 * adds later with {@link #appendConfig}). All paths are real paths (symlinks resolved), because
 * codex compares trusted project paths canonically.
 *
 * <p>{@link #env()} is the complete environment for the child; {@link #configure} applies it (and
 * the cwd) to a {@link ProcessBuilder}. {@link #close()} deletes the tree, best effort.
 */
public final class CodexTestHome implements AutoCloseable {
  /** A table or array-of-tables header line, e.g. {@code [features]} or {@code [projects."/x"]}. */
  private static final Pattern TABLE_HEADER =
      Pattern.compile("\\s*\\[\\[?[^\\[\\],=]+\\]\\]?\\s*(#.*)?");

  private final Path root;
  private final Path home;
  private final Path codexHome;
  private final Path workDir;
  private final int port;
  private final List<String> extras = new ArrayList<>();

  private CodexTestHome(Path root, int port) throws IOException {
    this.root = root;
    this.port = port;
    this.home = Files.createDirectories(root.resolve("home"));
    this.codexHome = Files.createDirectories(home.resolve(".codex"));
    this.workDir = Files.createDirectories(root.resolve("work"));
  }

  /** A fresh home whose config points at {@code model}. */
  public static CodexTestHome create(ScriptedModelServer model) {
    return create(model.port(), "");
  }

  /** A fresh home whose config points at {@code model}, with {@code extraToml} added. */
  public static CodexTestHome create(ScriptedModelServer model, String extraToml) {
    return create(model.port(), extraToml);
  }

  /** A fresh home whose config points at a model server on {@code port}. */
  public static CodexTestHome create(int port, String extraToml) {
    try {
      Path root = Files.createTempDirectory("codex-test-").toRealPath();
      CodexTestHome fixture = new CodexTestHome(root, port);
      fixture.appendConfig(extraToml == null ? "" : extraToml);
      return fixture;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The config text of spec 95 §2 with the extra TOML merged in: the top-level keys of every extra
   * (the lines before its first table header) go right after {@code model}/{@code model_provider},
   * the extra tables follow, and the spec tables ({@code [model_providers.mock]}, {@code
   * [projects."<work>"]}) come last. So extra top-level keys stay top-level no matter when they
   * were added.
   */
  static String renderConfig(int port, Path workDir, List<String> extras) {
    StringBuilder topLevel = new StringBuilder();
    StringBuilder tables = new StringBuilder();
    for (String extra : extras) {
      String[] lines = extra.split("\n", -1);
      int firstTable = lines.length;
      for (int i = 0; i < lines.length; i++) {
        if (TABLE_HEADER.matcher(lines[i]).matches()) {
          firstTable = i;
          break;
        }
      }
      appendLines(topLevel, lines, 0, firstTable);
      if (firstTable < lines.length) {
        tables.append('\n');
        appendLines(tables, lines, firstTable, lines.length);
      }
    }
    return "model = \"mock-model\"\n"
        + "model_provider = \"mock\"\n"
        + topLevel
        + tables
        + "\n"
        + "[model_providers.mock]\n"
        + "name = \"mock\"\n"
        + "base_url = \"http://127.0.0.1:"
        + port
        + "/v1\"\n"
        + "wire_api = \"responses\"\n"
        + "request_max_retries = 0\n"
        + "stream_max_retries = 0\n"
        + "\n"
        + "[projects."
        + tomlString(workDir.toAbsolutePath().toString())
        + "]\n"
        + "trust_level = \"trusted\"\n";
  }

  private static void appendLines(StringBuilder sb, String[] lines, int from, int to) {
    int end = to;
    while (end > from && lines[end - 1].isBlank()) {
      end--;
    }
    for (int i = from; i < end; i++) {
      sb.append(lines[i]).append('\n');
    }
  }

  /**
   * Adds TOML to {@code config.toml} and rewrites the file (see {@link #renderConfig}); both
   * top-level keys ({@code approval_policy = "on-request"}) and tables ({@code [features]}) work,
   * also across several calls.
   */
  public synchronized CodexTestHome appendConfig(String toml) {
    if (!toml.isBlank()) {
      extras.add(toml);
    }
    try {
      Files.writeString(configToml(), renderConfig(port, workDir, extras), StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TOML basic string literal for {@code s}. */
  public static String tomlString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\r':
          sb.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  /** The temporary root holding {@code home/} and {@code work/}. */
  public Path root() {
    return root;
  }

  /** {@code HOME} for the child. */
  public Path home() {
    return home;
  }

  /** {@code CODEX_HOME} ({@code home/.codex}). */
  public Path codexHome() {
    return codexHome;
  }

  /** The trusted project directory, the child's cwd. */
  public Path workDir() {
    return workDir;
  }

  /** {@code $CODEX_HOME/config.toml}. */
  public Path configToml() {
    return codexHome.resolve("config.toml");
  }

  /**
   * The child environment: {@code HOME}, {@code CODEX_HOME}, {@code OPENAI_API_KEY=dummy}, {@code
   * NO_COLOR=1} and the current {@code PATH}. Mutable copy; add e.g. {@code RUST_LOG} if needed.
   */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("CODEX_HOME", codexHome.toString());
    env.put("OPENAI_API_KEY", "dummy");
    env.put("NO_COLOR", "1");
    String path = System.getenv("PATH");
    if (path != null) {
      env.put("PATH", path);
    }
    return env;
  }

  /**
   * Replaces {@code pb}'s inherited environment with {@link #env()} (so no stray {@code OPENAI_*}
   * or {@code CODEX_*} variable of the developer leaks in) and sets its directory to {@link
   * #workDir()}.
   */
  public ProcessBuilder configure(ProcessBuilder pb) {
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(env());
    return pb.directory(workDir.toFile());
  }

  /**
   * Ends what a test left running with this home: detached app-servers of turns that outlived their
   * server, and their keeper, would otherwise live on for their TTL (30 minutes by default) beside
   * the next tests. They carry the home in their environment or command line.
   */
  private void endProcessesOfThisHome() {
    String needle = root.toString();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self && mentions(p.pid(), needle))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static boolean mentions(long pid, String needle) {
    for (String file : new String[] {"cmdline", "environ"}) {
      try {
        byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), file));
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).contains(needle)) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        // gone, or not ours to read
      }
    }
    return false;
  }

  /** Ends what this home's tests left running, then deletes the whole tree, ignoring failures. */
  @Override
  public void close() {
    endProcessesOfThisHome();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              deleteQuietly(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
              deleteQuietly(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "CodexTestHome[" + root + "]";
  }
}
