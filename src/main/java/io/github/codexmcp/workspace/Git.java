package io.github.codexmcp.workspace;

import io.github.codexmcp.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@code git} command in a directory and returns its stdout. Optional locks are off (a
 * {@code git status} never rewrites the user's index), hooks are off, prompts are off. Blocks for
 * the command's duration (bounded by the timeout); stateless, safe from any thread.
 */
final class Git {
  private final CommandRunner runner;
  private final String executable;
  private final Duration timeout;

  Git(CommandRunner runner, String executable, Duration timeout) {
    this.runner = runner;
    this.executable = executable;
    this.timeout = timeout;
  }

  /** stdout of {@code git -C dir args}; throws {@link WorkspaceException} on any failure. */
  String run(Path dir, Map<String, String> env, String... args) {
    CommandRunner.Result r = runner.run(argv(dir, args), environment(env), timeout);
    if (r.spawnError() != null) {
      throw new WorkspaceException("git could not be started: " + r.spawnError());
    }
    if (r.timedOut()) {
      throw new WorkspaceException(
          "git " + args[0] + " took longer than " + timeout.toSeconds() + " s");
    }
    if (r.exitCode() == null || r.exitCode() != 0) {
      String err = r.stderr() == null ? "" : r.stderr().trim();
      throw new WorkspaceException(
          "git " + args[0] + " failed" + (err.isEmpty() ? "" : ": " + firstLine(err)));
    }
    return r.stdout() == null ? "" : r.stdout();
  }

  /** Like {@link #run} but answers null instead of throwing when git exits non-zero. */
  String tryRun(Path dir, String... args) {
    CommandRunner.Result r = runner.run(argv(dir, args), environment(Map.of()), timeout);
    if (r.spawnError() != null || r.timedOut() || r.exitCode() == null || r.exitCode() != 0) {
      return null;
    }
    return r.stdout() == null ? "" : r.stdout();
  }

  private List<String> argv(Path dir, String... args) {
    List<String> argv = new ArrayList<>(6 + args.length);
    argv.add(executable);
    argv.add("-C");
    argv.add(dir.toString());
    argv.add("-c");
    argv.add("core.hooksPath=" + SystemNull.PATH);
    argv.addAll(List.of(args));
    return argv;
  }

  private static Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("GIT_OPTIONAL_LOCKS", "0");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("LC_ALL", "C");
    env.putAll(extra);
    return env;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The null device, where hooks are looked up so that none runs. */
  private static final class SystemNull {
    static final String PATH =
        System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";
  }
}
