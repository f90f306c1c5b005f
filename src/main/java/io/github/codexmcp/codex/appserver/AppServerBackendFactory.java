package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.util.Timer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link AppServerBackend}s for the resolved Codex executable.
 *
 * <p>When {@code preferNative} is set and the executable is an npm launcher, the platform's native
 * binary is spawned directly ({@link NativeCodexLocator}), with the two environment variables the
 * launcher would have set ({@code CODEX_MANAGED_PACKAGE_ROOT}, {@code CODEX_MANAGED_BY_NPM}). A
 * bare command name is first looked up on {@code PATH}. The native lookup happens once, here.
 *
 * <p>The {@code profile} launch option is resolved against {@code $CODEX_HOME} of {@code
 * environment} when the backend starts ({@link ProfileOverrides}), so a missing profile fails
 * {@link CodexBackend#start()} with {@code INVALID_ARGUMENT}. The child's working directory is the
 * session cwd. Thread-safe: immutable after construction.
 */
public final class AppServerBackendFactory implements BackendFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AppServerBackendFactory.class);

  private final ProcessLauncher launcher;
  private final Timer timer;
  private final Map<String, String> environment;
  private final List<String> commandPrefix;
  private final Map<String, String> extraEnv;

  /** Uses the server's environment and prefers the native binary. */
  public AppServerBackendFactory(
      ResolvedExecutable executable, ProcessLauncher launcher, Timer timer) {
    this(executable, launcher, timer, System.getenv(), true);
  }

  /**
   * @param environment the environment children inherit (for {@code CODEX_HOME}, {@code HOME},
   *     {@code PATH})
   * @param preferNative spawn the native binary behind an npm launcher when found
   */
  public AppServerBackendFactory(
      ResolvedExecutable executable,
      ProcessLauncher launcher,
      Timer timer,
      Map<String, String> environment,
      boolean preferNative) {
    this.launcher = launcher;
    this.timer = timer;
    this.environment = Map.copyOf(environment);
    Map<String, String> env = new LinkedHashMap<>();
    Optional<Path> nativeBinary =
        preferNative ? findLauncher(executable).flatMap(NativeCodexLocator::locate) : Optional.empty();
    if (nativeBinary.isPresent()) {
      this.commandPrefix = List.of(nativeBinary.get().toString());
      findLauncher(executable)
          .flatMap(NativeCodexLocator::packageRoot)
          .ifPresent(
              root -> {
                env.put("CODEX_MANAGED_PACKAGE_ROOT", root.toString());
                env.put("CODEX_MANAGED_BY_NPM", "1");
              });
      LOG.info("[app-server] spawning the native codex binary: {}", nativeBinary.get());
    } else {
      this.commandPrefix = List.of(executable.command());
    }
    this.extraEnv = Map.copyOf(env);
  }

  @Override
  public CodexBackend create(String sessionId, LaunchOptions options) {
    return new AppServerBackend(sessionId, () -> processSpec(options), launcher, timer);
  }

  @Override
  public BackendMode mode() {
    return BackendMode.APP_SERVER;
  }

  /** The full argv (executable first). */
  public List<String> command(LaunchOptions options) {
    List<String> profile =
        options != null && options.profile() != null && !options.profile().isBlank()
            ? ProfileOverrides.resolve(ProfileOverrides.codexHome(environment), options.profile())
            : List.of();
    List<String> argv = new ArrayList<>(commandPrefix);
    argv.addAll(AppServerCommandLine.arguments(options, profile));
    return argv;
  }

  /** What {@link AppServerBackend#start()} launches for {@code options}. */
  public ProcessSpec processSpec(LaunchOptions options) {
    Path cwd = options == null ? null : options.cwd();
    return new ProcessSpec(command(options), cwd, extraEnv, false);
  }

  private Optional<Path> findLauncher(ResolvedExecutable executable) {
    String command = executable.command();
    try {
      if (executable.isPath() || command.contains(File.separator) || command.contains("/")) {
        return Optional.of(Path.of(command));
      }
      String path = environment.get("PATH");
      if (path == null) {
        return Optional.empty();
      }
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir.replace("\"", ""), command);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
