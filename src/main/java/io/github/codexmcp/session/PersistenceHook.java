package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.SessionEvent;

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
