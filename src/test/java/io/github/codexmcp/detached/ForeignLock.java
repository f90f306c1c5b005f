package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An {@code fcntl} lock on a file held by another process (python's {@code lockf}) until {@link
 * #close}, which ends that process the way {@code kill -9} would; and a one-shot look from another
 * process at whether a file is locked. Skips the test when python3 cannot run.
 */
final class ForeignLock implements AutoCloseable {
  private final Process process;

  private ForeignLock(Process process) {
    this.process = process;
  }

  /** Another process takes the lock of {@code file} and holds it. */
  static ForeignLock hold(Path file) throws IOException {
    Process p =
        start(
            "import fcntl,sys\n"
                + "f=open(sys.argv[1],'a')\n"
                + "fcntl.lockf(f,fcntl.LOCK_EX)\n"
                + "print('locked',flush=True)\n"
                + "sys.stdin.read()\n",
            file);
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertEquals("locked", line, "the other process took the lock");
    return new ForeignLock(p);
  }

  /** Whether another process fails to take the lock of {@code file} now. */
  static boolean lockedForAnotherProcess(Path file) throws IOException, InterruptedException {
    Process p =
        start(
            "import fcntl,sys\n"
                + "f=open(sys.argv[1],'a')\n"
                + "try:\n"
                + "  fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                + "except OSError:\n"
                + "  sys.exit(3)\n",
            file);
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assumeTrue(p.exitValue() == 0 || p.exitValue() == 3, "python3 could not run the probe");
    return p.exitValue() == 3;
  }

  private static Process start(String script, Path file) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("python3", "-c", script, file.toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      return pb.start();
    } catch (IOException e) {
      assumeTrue(false, "python3 is needed to hold a lock from another process");
      throw e;
    }
  }

  /** The holder dies (SIGKILL): the OS releases its lock. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(20, TimeUnit.SECONDS));
  }
}
