package io.github.codexmcp.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link CommandRunner} on {@link ProcessBuilder}. Output goes to temporary files so no reader
 * threads are needed; on timeout the process gets a polite stop, then a forcible one 2 s later.
 */
public final class SystemCommandRunner implements CommandRunner {
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  @Override
  public Result run(List<String> argv, Map<String, String> extraEnv, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("codex-mcp-probe", ".out");
      err = Files.createTempFile("codex-mcp-probe", ".err");
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().put("NO_COLOR", "1");
      pb.environment().putAll(extraEnv);
      pb.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        return new Result(null, "", "", false, e.getMessage());
      }
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
        return new Result(null, read(out), read(err), true, null);
      }
      return new Result(p.exitValue(), read(out), read(err), false, null);
    } catch (IOException e) {
      return new Result(null, "", "", false, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "", "", false, "interrupted");
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  static File nullDevice() {
    return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // temporary file; nothing to do
      }
    }
  }
}
