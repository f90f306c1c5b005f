package io.github.codexmcp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Process-table helpers for the end-to-end tests (Linux {@code /proc}). A zombie counts as gone:
 * orphans re-parented to an init that does not reap stay zombies, but they run nothing.
 */
final class Procs {
  private Procs() {}

  /** Whether {@code pid} is a live, non-zombie process. */
  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && !"Z".equals(state(pid));
  }

  /** The one-letter state of {@code /proc/<pid>/stat}, or null. */
  static String state(long pid) {
    try {
      String s =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      int close = s.lastIndexOf(')');
      return close < 0 || close + 2 >= s.length() ? null : String.valueOf(s.charAt(close + 2));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Live processes whose command line contains {@code needle}, anywhere in the system. */
  static List<ProcessHandle> withCommandLine(String needle) {
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().commandLine().map(c -> c.contains(needle)).orElse(false))
        .filter(ph -> alive(ph.pid()))
        .toList();
  }

  /** Live {@code sleep <seconds>} commands (the executable itself, not the shells around it). */
  static List<ProcessHandle> sleeps(int seconds) {
    return withCommandLine("sleep " + seconds).stream()
        .filter(ph -> ph.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
        .toList();
  }

  /**
   * Live codex app-server processes of the server {@code root}: its descendants, and the detached
   * ones (started in the background, so not its children) running with its {@code CODEX_HOME}.
   */
  static List<ProcessHandle> appServersUnder(ProcessHandle root) {
    // detached app-servers are not the server's descendants: theirs is the server's CODEX_HOME
    String codexHome = environment(root.pid(), "CODEX_HOME");
    Stream<ProcessHandle> detached =
        codexHome == null
            ? Stream.empty()
            : ProcessHandle.allProcesses()
                .filter(ph -> codexHome.equals(environment(ph.pid(), "CODEX_HOME")));
    return Stream.concat(root.descendants(), detached)
        .filter(
            ph ->
                ph.info()
                    .commandLine()
                    .map(c -> c.contains("app-server") && !c.contains("java"))
                    .orElse(false))
        .filter(ph -> alive(ph.pid()))
        .distinct()
        .toList();
  }

  /** One variable of a live process's environment (null when unset or unreadable). */
  static String environment(long pid, String name) {
    try {
      byte[] env = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
      for (String entry : new String(env, StandardCharsets.UTF_8).split("\0")) {
        if (entry.startsWith(name + "=")) {
          return entry.substring(name.length() + 1);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours to read
    }
    return null;
  }

  /** Waits until {@code condition} holds; returns whether it did within {@code timeout}. */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(50);
    }
  }

  /** Total CPU time (user + system) of {@code pid} so far, in seconds. */
  static double cpuSeconds(long pid) {
    return ProcessHandle.of(pid)
            .flatMap(ph -> ph.info().totalCpuDuration())
            .orElseThrow(() -> new AssertionError("no CPU time for " + pid))
            .toNanos()
        / 1e9;
  }

  /**
   * CPU seconds (user + system) of the threads of {@code pid} whose name is {@code threadName}
   * (Linux {@code /proc/<pid>/task/<tid>/stat}; names are cut to 15 characters by the kernel).
   */
  static double threadCpuSeconds(long pid, String threadName) throws IOException {
    String comm = threadName.length() > 15 ? threadName.substring(0, 15) : threadName;
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          if (!Files.readString(t.resolve("comm")).trim().equals(comm)) {
            continue;
          }
          String s = Files.readString(t.resolve("stat"), StandardCharsets.ISO_8859_1);
          String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
          // thread ended meanwhile
        }
      }
    }
    return ticks / (double) clockTicks();
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | InterruptedException | RuntimeException e) {
      return 100;
    }
  }

  /** Short description for assertion messages. */
  static String describe(long pid) {
    return pid
        + " "
        + state(pid)
        + " "
        + ProcessHandle.of(pid).flatMap(ph -> ph.info().commandLine()).orElse("?");
  }
}
