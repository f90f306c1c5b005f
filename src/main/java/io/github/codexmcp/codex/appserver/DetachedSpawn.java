package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.process.ProcessSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a {@code codex app-server --listen unix://PATH} that outlives this server: its own session
 * (through {@code setsid}, so no signal to our process group reaches it), stdin from the null
 * device, stdout and stderr appended to a log file, and not registered for the shutdown hook that
 * stops our ordinary children.
 *
 * <p>It is not our child: a shell starts it in the background, prints its pid and exits, so the
 * app-server is handed to the system's reaper at once. A child would cost a JVM thread blocked in
 * {@code waitpid} for as long as it runs (Java starts one per child process), and a server with
 * twenty sessions at rest would keep twenty of them. The price: its exit code is not known here,
 * only that it ended (its log says why). Stateless; {@link #start} blocks for the shell's fork and
 * exec and its exit, a few milliseconds.
 */
public final class DetachedSpawn {
  private static final Path SETSID = findSetsid();

  /**
   * {@code sh -c SPAWN sh LOG ARGV...}: runs ARGV in the background with stdin from the null device
   * and stdout and stderr appended to LOG, prints its pid and exits. Without job control the
   * background process is no group leader, so {@code setsid} makes its session in place and execs
   * the app-server: the pid printed is the app-server's.
   */
  static final String SPAWN = "log=$1; shift; \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!";

  private static final int MAX_PID_LINE = 64;

  private DetachedSpawn() {}

  /** The argv of {@code spec} with the listening transport on {@code socket}, under setsid. */
  static List<String> command(ProcessSpec spec, Path socket) {
    List<String> argv = new ArrayList<>();
    if (SETSID != null) {
      argv.add(SETSID.toString());
    }
    argv.addAll(spec.command());
    argv.add("--listen");
    argv.add("unix://" + socket);
    return argv;
  }

  /**
   * Starts the detached app-server; the socket appears once it listens.
   *
   * @return the app-server's process (not a child of ours)
   * @throws IOException when the shell cannot start, prints no pid, or the app-server is already
   *     gone
   */
  public static ProcessHandle start(ProcessSpec spec, Path socket, Path log) throws IOException {
    return background(command(spec, socket), spec, log);
  }

  /** Runs {@code argv} as {@link #start} runs the app-server (tests use other commands). */
  static ProcessHandle background(List<String> argv, ProcessSpec spec, Path log)
      throws IOException {
    List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", SPAWN, "sh", log.toString()));
    shell.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(shell);
    if (spec.cwd() != null) {
      pb.directory(spec.cwd().toFile());
    }
    pb.environment().putAll(spec.env());
    pb.environment().put("NO_COLOR", "1");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process sh = pb.start();
    String printed;
    try (InputStream out = sh.getInputStream()) {
      printed = new String(out.readNBytes(MAX_PID_LINE), StandardCharsets.US_ASCII).trim();
    }
    waitFor(sh);
    long pid;
    try {
      pid = Long.parseLong(printed);
    } catch (NumberFormatException e) {
      throw new IOException("could not start the app-server in the background; see " + log, e);
    }
    return ProcessHandle.of(pid)
        .orElseThrow(() -> new IOException("app-server exited at once; see " + log));
  }

  /** The shell exits right after printing; a wait here is for its exit status only. */
  private static void waitFor(Process sh) throws IOException {
    try {
      sh.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sh.destroy();
      throw new IOException("interrupted while starting the app-server", e);
    }
  }

  /** Whether the child gets a session of its own (false where {@code setsid} is missing). */
  public static boolean ownSession() {
    return SETSID != null;
  }

  private static Path findSetsid() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, "setsid");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
