package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-writer lock {@code <STATE_DIR>/.lock} (spec 40 §3), holding {@code {"pid":…,
 * "startedAt":…,"processStartedAt"?:…}}.
 *
 * <p>Beyond the spec: a process-wide registry refuses a second store on the same directory inside
 * this JVM (the pid check alone would treat our own pid as a stale lock), the file is published
 * with its content in one step (temp file + hard link, so no reader sees it empty), and a live
 * owner pid whose OS start time differs from the recorded one is treated as a reused pid (stale).
 * Thread-safe; {@link #release()} is idempotent.
 */
final class StateDirLock {
  static final String FILE_NAME = ".lock";
  private static final Logger LOG = LoggerFactory.getLogger(StateDirLock.class);
  private static final Duration REUSE_TOLERANCE = Duration.ofSeconds(5);
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final Path lockPath;
  private final long pid;
  private final AtomicBoolean released = new AtomicBoolean();

  private StateDirLock(Path key, Path lockPath, long pid) {
    this.key = key;
    this.lockPath = lockPath;
    this.pid = pid;
  }

  /** Lock could not be taken; the message is user-facing (shown by codex_setup and on stderr). */
  static final class LockException extends Exception {
    LockException(String message) {
      super(message);
    }
  }

  /** Takes the lock of {@code stateDir} (which must exist) or explains why not. */
  static StateDirLock acquire(Path stateDir, StateFiles files, ProcessTable table, Clock clock)
      throws LockException, IOException {
    Path key = stateDir.toRealPath();
    Path lockPath = key.resolve(FILE_NAME);
    long self = table.currentPid();
    if (!HELD_IN_THIS_JVM.add(key)) {
      throw new LockException(
          "STATE_DIR is already in use by another state store in this process (pid="
              + self
              + "): "
              + lockPath);
    }
    boolean ok = false;
    try {
      clearStaleLock(lockPath, self, table);
      create(lockPath, content(self, table, clock), files);
      ok = true;
      return new StateDirLock(key, lockPath, self);
    } finally {
      if (!ok) {
        HELD_IN_THIS_JVM.remove(key);
      }
    }
  }

  private static void clearStaleLock(Path lockPath, long self, ProcessTable table)
      throws LockException, IOException {
    String text;
    try {
      text = Files.readString(lockPath, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    }
    JsonNode n = parse(text);
    JsonNode pidNode = n == null ? null : n.get("pid");
    if (pidNode == null || !pidNode.isIntegralNumber()) {
      LOG.warn(
          "[lockfile] Existing lock at {} is unreadable — will attempt O_EXCL create", lockPath);
      return;
    }
    long owner = pidNode.asLong();
    String startedAt = Json.text(n, "startedAt");
    var live = owner == self ? null : table.lookup(owner).orElse(null);
    if (live != null
        && !reused(live.startInstant(), PidRecord.parseInstant(Json.text(n, "processStartedAt")))) {
      throw new LockException(
          "STATE_DIR is locked by another process (pid="
              + owner
              + ", started="
              + startedAt
              + "). If this is stale, delete "
              + lockPath);
    }
    LOG.info("[lockfile] Removing stale lock at {} (pid={})", lockPath, owner);
    Files.deleteIfExists(lockPath);
  }

  private static boolean reused(Instant liveStart, Instant recordedStart) {
    return liveStart != null
        && recordedStart != null
        && Duration.between(recordedStart, liveStart).abs().compareTo(REUSE_TOLERANCE) >= 0;
  }

  private static void create(Path lockPath, byte[] content, StateFiles files)
      throws LockException, IOException {
    Path tmp = lockPath.resolveSibling(FILE_NAME + StateFiles.TMP_PREFIX + StateFiles.randomHex());
    try {
      files.createExclusive(tmp, content);
      try {
        Files.createLink(lockPath, tmp);
      } catch (UnsupportedOperationException | IOException e) {
        if (e instanceof FileAlreadyExistsException) {
          throw e;
        }
        files.createExclusive(lockPath, content); // no hard links here: plain O_EXCL create
      }
    } catch (FileAlreadyExistsException e) {
      throw new LockException(
          "Failed to acquire STATE_DIR lock at " + lockPath + " — race with another process");
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static byte[] content(long self, ProcessTable table, Clock clock) {
    ObjectNode n = Json.object();
    n.put("pid", self);
    n.put("startedAt", clock.instant().toString());
    table
        .lookup(self)
        .map(ProcessTable.ProcessInfo::startInstant)
        .ifPresent(i -> n.put("processStartedAt", i.toString()));
    return (Json.write(n) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String text) {
    try {
      return Json.parse(text);
    } catch (UncheckedIOException e) {
      return null;
    }
  }

  Path path() {
    return lockPath;
  }

  /** Deletes the lock file if it is still ours; idempotent, errors ignored. */
  void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    try {
      JsonNode n = parse(Files.readString(lockPath, StandardCharsets.UTF_8));
      if (n != null && n.path("pid").asLong(-1) == pid) {
        Files.deleteIfExists(lockPath);
      }
    } catch (IOException | RuntimeException e) {
      // ignored per spec: release is best-effort
    } finally {
      HELD_IN_THIS_JVM.remove(key);
    }
  }
}
