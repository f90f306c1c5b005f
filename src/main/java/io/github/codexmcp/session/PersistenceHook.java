package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.state.DiskStamp;
import io.github.codexmcp.state.DiskUpdate;
import java.util.List;

/**
 * Where the session layer mirrors state to disk. Calls are made under a session's lock and must
 * only enqueue work (never touch the disk inline).
 */
public interface PersistenceHook {
  void saveMeta(String sessionId, ObjectNode meta);

  void saveResult(String sessionId, ObjectNode result);

  void savePid(String sessionId, long pid);

  void appendEvent(String sessionId, ObjectNode event);

  /** Mirrors a pushed event: {@link #appendEvent(String, ObjectNode)} of its client view. */
  default void appendEvent(String sessionId, SessionEvent event) {
    appendEvent(sessionId, event.toJson());
  }

  /** Removes the session's files; returns whether something was removed. */
  boolean delete(String sessionId);

  boolean enabled();

  /**
   * Makes this server the one driving {@code sessionId} (several servers may share the state
   * directory); false when another live server drives it. True where nothing is shared.
   */
  default boolean claim(String sessionId) {
    return true;
  }

  /** Lets another server take {@code sessionId} over once its queued writes are on disk. */
  default void release(String sessionId) {}

  // ------------------------------------------------ several servers (see the state store)

  /** How often the session was claimed here; in memory, callable under a session's lock. */
  default long claimEpoch(String sessionId) {
    return 0;
  }

  /** Whether this server holds the session's ownership; in memory, callable under a lock. */
  default boolean drivenHere(String sessionId) {
    return false;
  }

  /** Whether another live server drives the session now. Blocks briefly (a lock probe). */
  default boolean drivenElsewhere(String sessionId) {
    return false;
  }

  /**
   * Writes what is queued and hands the session back unless claimed again since {@code epoch}; the
   * files as handed back, or null when not released. Only for a session at rest (no turn runs in
   * its Codex process). Blocks on disk.
   */
  default DiskStamp release(String sessionId, long epoch) {
    return null;
  }

  /** The session's files now (a few {@code stat}s); null when it has none. Blocks on disk. */
  default DiskStamp stamp(String sessionId) {
    return null;
  }

  /** Another server's session, whole or changed since {@code since}; null if none. Blocks. */
  default DiskUpdate readForeign(String sessionId, DiskStamp since) {
    return null;
  }

  /** Ids of every session directory on disk. Blocks on disk. */
  default List<String> sessionIdsOnDisk() {
    return List.of();
  }

  /** Persistence that does nothing. */
  PersistenceHook NONE =
      new PersistenceHook() {
        @Override
        public void saveMeta(String sessionId, ObjectNode meta) {}

        @Override
        public void saveResult(String sessionId, ObjectNode result) {}

        @Override
        public void savePid(String sessionId, long pid) {}

        @Override
        public void appendEvent(String sessionId, ObjectNode event) {}

        @Override
        public void appendEvent(String sessionId, SessionEvent event) {}

        @Override
        public boolean delete(String sessionId) {
          return false;
        }

        @Override
        public boolean enabled() {
          return false;
        }
      };
}
