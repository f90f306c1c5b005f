package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.codex.ResolvedExecutable;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to spawn for the resolved Codex executable: the executable itself, or, when {@code
 * preferNative} is set and it is an npm launcher, the platform's native binary ({@link
 * NativeCodexLocator}) together with the two environment variables the launcher would have set
 * ({@code CODEX_MANAGED_PACKAGE_ROOT}, {@code CODEX_MANAGED_BY_NPM}). A bare command name is first
 * looked up on {@code PATH} of {@code environment}. Shared by the app-server and exec factories so
 * both modes launch the same binary.
 *
 * @param commandPrefix the argv elements before the subcommand (one element: the executable)
 * @param env environment additions for the child
 * @param nativeBinary the native binary when one replaced the launcher
 */
public record NativeLaunch(
    List<String> commandPrefix, Map<String, String> env, Optional<Path> nativeBinary) {
  public NativeLaunch {
    commandPrefix = List.copyOf(commandPrefix);
    env = Map.copyOf(env);
  }

  /** Resolves the launch target once; reads the file system on the calling thread. */
  public static NativeLaunch resolve(
      ResolvedExecutable executable, Map<String, String> environment, boolean preferNative) {
    Map<String, String> env = new LinkedHashMap<>();
    Optional<Path> launcher = findLauncher(executable, environment);
    Optional<Path> nativeBinary =
        preferNative ? launcher.flatMap(NativeCodexLocator::locate) : Optional.empty();
    if (nativeBinary.isEmpty()) {
      return new NativeLaunch(List.of(executable.command()), env, Optional.empty());
    }
    launcher
        .flatMap(NativeCodexLocator::packageRoot)
        .ifPresent(
            root -> {
              env.put("CODEX_MANAGED_PACKAGE_ROOT", root.toString());
              env.put("CODEX_MANAGED_BY_NPM", "1");
            });
    return new NativeLaunch(List.of(nativeBinary.get().toString()), env, nativeBinary);
  }

  private static Optional<Path> findLauncher(
      ResolvedExecutable executable, Map<String, String> environment) {
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
