package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The pinned Codex CLI used by the end-to-end tests, installed with npm into a cache directory
 * outside {@code target/} so that {@code mvn clean} does not force a re-download.
 *
 * <ul>
 *   <li>Version: system property {@code codex.cli.version} (set by surefire/failsafe from the pom),
 *       default {@value #DEFAULT_VERSION}.
 *   <li>Directory: env {@code CODEX_MCP_TEST_CODEX_DIR} if set (then the version installed there
 *       wins over the property, so tests never assume one version), else {@code
 *       ~/.cache/codex-mcp/codex-cli-<version>}.
 *   <li>When the directory holds no complete install, {@link #get()} runs {@code npm install
 *       --no-audit --no-fund --prefix <dir> @openai/codex@<version>} once, under an exclusive file
 *       lock ({@code <dir>.lock}) so that parallel test JVMs do not race.
 *   <li>When installing is impossible an {@link IllegalStateException} is thrown. Tests must fail
 *       rather than skip, on CI ({@code CI=true}) and locally alike.
 * </ul>
 *
 * <p>Prefer {@link #nativeBinary()} for spawning: the Node {@link #launcher()} starts slower, uses
 * more memory, and a SIGKILL of it orphans the native process (spec 95 §1).
 */
public final class CodexCli {
  /** Version used when the system property {@code codex.cli.version} is absent. */
  public static final String DEFAULT_VERSION = "0.171.0";

  /** Environment variable overriding the install directory. */
  public static final String DIR_ENV = "CODEX_MCP_TEST_CODEX_DIR";

  private static final long INSTALL_TIMEOUT_MINUTES = 15;
  private static final ConcurrentHashMap<Path, CodexCli> CACHE = new ConcurrentHashMap<>();

  private final String version;
  private final Path dir;
  private final Path launcher;
  private final Path nativeBinary;

  private CodexCli(String version, Path dir, Path launcher, Path nativeBinary) {
    this.version = version;
    this.dir = dir;
    this.launcher = launcher;
    this.nativeBinary = nativeBinary;
  }

  /**
   * The pinned CLI at the default (or {@code CODEX_MCP_TEST_CODEX_DIR}) location, installing it
   * first if needed. Cached per JVM.
   *
   * @throws IllegalStateException if it is not installed and cannot be installed
   */
  public static CodexCli get() {
    String version = System.getProperty("codex.cli.version", DEFAULT_VERSION);
    if (version.isBlank()) {
      version = DEFAULT_VERSION;
    }
    String override = System.getenv(DIR_ENV);
    if (override != null && !override.isBlank()) {
      // a directory given explicitly is tested at whatever version is installed there
      version = installedVersion(Paths.get(override)).orElse(version);
    }
    return at(defaultDir(version), version);
  }

  /** The version of the {@code @openai/codex} package installed under {@code dir}, if any. */
  static Optional<String> installedVersion(Path dir) {
    Path pkg = dir.resolve("node_modules/@openai/codex/package.json");
    if (!Files.isRegularFile(pkg)) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(Json.text(Json.MAPPER.readTree(pkg.toFile()), "version"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The CLI of {@code version} in {@code dir}, installing it there first if needed. Cached per JVM
   * and directory.
   */
  public static CodexCli at(Path dir, String version) {
    Path abs = dir.toAbsolutePath().normalize();
    return CACHE.computeIfAbsent(abs, d -> locateOrInstall(d, version));
  }

  /** {@code $CODEX_MCP_TEST_CODEX_DIR}, else {@code ~/.cache/codex-mcp/codex-cli-<version>}. */
  public static Path defaultDir(String version) {
    String override = System.getenv(DIR_ENV);
    if (override != null && !override.isBlank()) {
      return Paths.get(override);
    }
    return Paths.get(
        System.getProperty("user.home"), ".cache", "codex-mcp", "codex-cli-" + version);
  }

  /** The version under test, e.g. {@code 0.171.0}. */
  public String version() {
    return version;
  }

  /** The npm prefix directory holding {@code node_modules}. */
  public Path installDir() {
    return dir;
  }

  /** {@code <dir>/node_modules/.bin/codex}, the Node launcher script. */
  public Path launcher() {
    return launcher;
  }

  /**
   * The platform's native binary, e.g. {@code
   * node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex}.
   */
  public Path nativeBinary() {
    return nativeBinary;
  }

  @Override
  public String toString() {
    return "CodexCli[" + version + ", " + nativeBinary + "]";
  }

  // ---------------------------------------------------------------- install

  private static CodexCli locateOrInstall(Path dir, String version) {
    Optional<CodexCli> found = locate(dir, version);
    if (found.isPresent()) {
      return found.get();
    }
    try {
      Files.createDirectories(dir.getParent());
      Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        // another JVM may have finished the install while we waited for the lock
        found = locate(dir, version);
        if (found.isPresent()) {
          return found.get();
        }
        install(dir, version);
        found = locate(dir, version);
        if (found.isEmpty()) {
          throw failure(
              version,
              dir,
              "npm install finished but no complete install was found there (launcher "
                  + launcherPath(dir)
                  + ", native binary under node_modules/@openai/codex-*)",
              null);
        }
        return found.get();
      }
    } catch (IOException e) {
      throw failure(version, dir, e.toString(), e);
    }
  }

  /** A complete install: launcher present, package version matches, native binary found. */
  private static Optional<CodexCli> locate(Path dir, String version) {
    Path launcher = launcherPath(dir);
    if (!Files.exists(launcher)) {
      return Optional.empty();
    }
    Path pkg = dir.resolve("node_modules/@openai/codex/package.json");
    try {
      JsonNode json = Json.MAPPER.readTree(pkg.toFile());
      if (!version.equals(Json.text(json, "version"))) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return findNativeBinary(dir).map(bin -> new CodexCli(version, dir, launcher, bin));
  }

  private static Path launcherPath(Path dir) {
    return dir.resolve(isWindows() ? "node_modules/.bin/codex.cmd" : "node_modules/.bin/codex");
  }

  /**
   * Searches {@code node_modules/@openai/codex-<platform>} packages for an executable file named
   * {@code codex} ({@code codex.exe} on Windows).
   */
  private static Optional<Path> findNativeBinary(Path dir) {
    Path scope = dir.resolve("node_modules/@openai");
    if (!Files.isDirectory(scope)) {
      return Optional.empty();
    }
    String name = isWindows() ? "codex.exe" : "codex";
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> packages = Files.list(scope)) {
      for (Path pkg : (Iterable<Path>) packages::iterator) {
        String pkgName = pkg.getFileName().toString();
        if (!pkgName.startsWith("codex-") || !Files.isDirectory(pkg)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(pkg)) {
          files
              .filter(p -> p.getFileName().toString().equals(name))
              .filter(Files::isRegularFile)
              .filter(Files::isExecutable)
              .forEach(candidates::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // prefer the shallowest match, then lexical order, for determinism
    return candidates.stream()
        .min(Comparator.comparingInt(Path::getNameCount).thenComparing(Path::toString));
  }

  private static void install(Path dir, String version) throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolveSibling(dir.getFileName() + ".npm-install.log");
    List<String> cmd =
        List.of(
            isWindows() ? "npm.cmd" : "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            dir.toString(),
            "@openai/codex@" + version);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(
                ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw failure(version, dir, "cannot run npm (is Node.js installed and on PATH?): " + e, e);
    }
    boolean finished;
    try {
      finished = process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw failure(version, dir, "interrupted while running npm install", e);
    }
    if (!finished) {
      process.destroyForcibly();
      throw failure(
          version, dir, "npm install timed out after " + INSTALL_TIMEOUT_MINUTES + " min", null);
    }
    if (process.exitValue() != 0) {
      throw failure(
          version,
          dir,
          "npm install exited with "
              + process.exitValue()
              + "; output ("
              + log
              + "):\n"
              + tail(log),
          null);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "<unreadable: " + e + ">";
    }
  }

  private static IllegalStateException failure(
      String version, Path dir, String detail, Throwable cause) {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    String message =
        "Codex CLI "
            + version
            + " is not installed in "
            + dir
            + " and could not be installed: "
            + detail
            + (ci
                ? "\nCI=true: end-to-end tests require the real CLI and must not be skipped."
                : "\nInstall Node.js/npm so the tests can run `npm install --prefix "
                    + dir
                    + " @openai/codex@"
                    + version
                    + "`, or point "
                    + DIR_ENV
                    + " at an existing install.");
    return new IllegalStateException(message, cause);
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }
}
