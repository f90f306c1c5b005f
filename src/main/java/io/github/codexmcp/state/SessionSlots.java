package io.github.codexmcp.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending slots of a {@link JsonFileStateStore} and which sessions may get one. A session never
 * seen here (a new one) gets a slot at its first write, without I/O, and the writer claims it
 * before writing it ({@link #needsClaim}); a session seen here (read, recovered, claimed or handed
 * back) gets one only from {@link JsonFileStateStore#claim}, which reads where its event log ends.
 *
 * <p><b>Threads.</b> Any thread; concurrent maps and sets only, no lock, no I/O except {@link
 * #newSlot} (called by claims, off any session's lock).
 */
final class SessionSlots {
  private static final Logger LOG = LoggerFactory.getLogger(SessionSlots.class);
  final ConcurrentHashMap<String, PendingSession> map = new ConcurrentHashMap<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Set<String> unclaimed = ConcurrentHashMap.newKeySet();

  /** The slot of a new session made now, or null when {@code id} was seen here (not claimed). */
  PendingSession ofNewSession(String id, Path dir) {
    if (seen.contains(id)) {
      return null;
    }
    return map.computeIfAbsent(
        id,
        k -> {
          unclaimed.add(k);
          return new PendingSession(k, dir);
        });
  }

  /** {@code id} exists beyond this store's writes: written only once claimed. */
  void seen(String id) {
    seen.add(id);
  }

  /** Whether the writer must claim {@code id} before writing it. */
  boolean needsClaim(String id) {
    return unclaimed.contains(id);
  }

  /** The claim of {@code id} succeeded ({@code slot} non-null) or failed (its slot goes). */
  void claimed(String id, PendingSession slot) {
    unclaimed.remove(id);
    if (slot == null) {
      seen.add(id);
    }
  }

  /** A slot whose event log continues after what is already on disk (reads the log's end). */
  static PendingSession newSlot(String sessionId, Path dir) {
    PendingSession s = new PendingSession(sessionId, dir);
    Path log = dir.resolve("events.jsonl");
    if (Files.exists(log)) {
      try {
        s.continueAt(EventLogTail.read(log, 1).lastSeq() + 1);
      } catch (IOException | RuntimeException e) {
        LOG.warn("[state] Cannot read the event log of {}: {}", sessionId, e.toString());
      }
    }
    return s;
  }
}
