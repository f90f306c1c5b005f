package io.github.codexmcp.detached;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the keeper ({@link KeeperMain}) of a state directory's detached app-servers unless one
 * runs: a second JVM from this server's own class path, in a session of its own ({@code setsid}),
 * stdin from the null device, its log in {@code keeper.log}, with a small heap and code cache. Call
 * it after writing a {@link DetachedRecord} (see {@link KeeperMain} for why that order matters).
 * Stateless; blocks for the lock probe and the fork/exec only.
 */
public final class KeeperLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperLauncher.class);

  private KeeperLauncher() {}

  /** Starts a keeper with {@code ttl} unless one holds the keeper lock; false when none could. */
  public static boolean ensureRunning(DetachedPaths paths, Duration ttl) {
    if (keeperRunning(paths)) {
      return true;
    }
    String java = ProcessHandle.current().info().command().orElse(null);
    String cp = System.getProperty("java.class.path");
    if (java == null || cp == null || cp.isBlank()) {
      LOG.warn("[detached] cannot start the keeper: no java command or class path");
      return false;
    }
    List<String> argv = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      argv.add(setsid.toString());
    }
    argv.addAll(
        List.of(
            java,
            // a small, mostly idle JVM: about 50 MiB resident instead of 58 (measured on Linux)
            "-Xmx16m",
            "-Xss256k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-XX:ReservedCodeCacheSize=8m",
            "-XX:MaxMetaspaceSize=32m",
            "-XX:-UsePerfData",
            "-cp",
            cp,
            KeeperMain.class.getName(),
            paths.dir().toString(),
            paths.stateDir().toString(),
            Long.toString(ttl.toMillis())));
    try {
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(paths.keeperLog().toFile()));
      pb.redirectErrorStream(true);
      Process p = pb.start();
      LOG.info("[detached] keeper started (pid {}) for {}", p.pid(), paths.dir());
      return true;
    } catch (IOException e) {
      LOG.warn("[detached] cannot start the keeper: {}", e.toString());
      return false;
    }
  }

  /** Whether a keeper holds the lock of {@code paths}. */
  public static boolean keeperRunning(DetachedPaths paths) {
    try (FileChannel ch =
        FileChannel.open(paths.keeperLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock probe = ch.tryLock();
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
