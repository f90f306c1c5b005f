package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.PersistenceHook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory {@link PersistenceHook}: remembers the last meta and result per session, the event
 * log lines, pids, and which sessions have a "directory" (created by the first save, removed by
 * {@link #delete}). Disabled instances behave like {@link PersistenceHook#NONE} but still record.
 */
public final class RecordingPersistence implements PersistenceHook {
  private final boolean enabled;
  private final Map<String, ObjectNode> meta = new HashMap<>();
  private final Map<String, ObjectNode> results = new HashMap<>();
  private final Map<String, List<ObjectNode>> events = new HashMap<>();
  private final Map<String, Long> pids = new HashMap<>();
  private final Set<String> directories = new LinkedHashSet<>();
  private final List<String> deleted = new ArrayList<>();

  /** Sessions another (pretend) server drives: {@link #claim} refuses them. */
  public final Set<String> drivenElsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public RecordingPersistence(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public boolean claim(String sessionId) {
    return !drivenElsewhere.contains(sessionId);
  }

  @Override
  public synchronized void saveMeta(String sessionId, ObjectNode m) {
    meta.put(sessionId, m.deepCopy());
    directories.add(sessionId);
  }

  @Override
  public synchronized void saveResult(String sessionId, ObjectNode result) {
    results.put(sessionId, result.deepCopy());
    directories.add(sessionId);
  }

  @Override
  public synchronized void savePid(String sessionId, long pid) {
    pids.put(sessionId, pid);
    directories.add(sessionId);
  }

  @Override
  public synchronized void appendEvent(String sessionId, ObjectNode event) {
    events.computeIfAbsent(sessionId, k -> new ArrayList<>()).add(event.deepCopy());
    directories.add(sessionId);
  }

  @Override
  public synchronized boolean delete(String sessionId) {
    deleted.add(sessionId);
    return directories.remove(sessionId) && enabled;
  }

  @Override
  public boolean enabled() {
    return enabled;
  }

  public synchronized ObjectNode meta(String sessionId) {
    return meta.get(sessionId);
  }

  public synchronized ObjectNode result(String sessionId) {
    return results.get(sessionId);
  }

  public synchronized List<ObjectNode> events(String sessionId) {
    return List.copyOf(events.getOrDefault(sessionId, List.of()));
  }

  public synchronized Long pid(String sessionId) {
    return pids.get(sessionId);
  }

  /** Whether the session still has a directory (saved and not deleted since). */
  public synchronized boolean hasDirectory(String sessionId) {
    return directories.contains(sessionId);
  }

  /** Session ids passed to {@link #delete}, in order. */
  public synchronized List<String> deleted() {
    return List.copyOf(deleted);
  }
}
