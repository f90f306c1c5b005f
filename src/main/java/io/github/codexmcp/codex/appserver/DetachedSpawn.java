package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.process.ProcessSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a {@code codex app-server --listen unix://PATH} that outlives this server: its own session
 * (through {@code setsid}, so no signal to our process group reaches it), stdin from the null
 * device, stdout and stderr appended to a log file, and not registered for the shutdown hook that
 * stops our ordinary children. Stateless; {@link #start} blocks for the fork/exec only.
 */
public final class DetachedSpawn {
  private static final Path SETSID = findSetsid();

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

  /** Starts the detached app-server; the socket appears once it listens. */
  public static Process start(ProcessSpec spec, Path socket, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(spec, socket));
    if (spec.cwd() != null) {
      pb.directory(spec.cwd().toFile());
    }
    pb.environment().putAll(spec.env());
    pb.environment().put("NO_COLOR", "1");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectErrorStream(true);
    return pb.start();
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
