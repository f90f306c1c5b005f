package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Memory-only {@link StateStore}: every write is dropped, nothing is recovered. Thread-safe. */
public final class NoopStateStore implements StateStore {
  private final Path stateDir;
  private final String reason;

  /**
   * @param stateDir the configured directory, for display
   * @param reason why persistence is off, e.g. the lock or directory error
   */
  public NoopStateStore(Path stateDir, String reason) {
    this.stateDir = stateDir;
    this.reason = reason == null ? "persistence disabled" : reason;
  }

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public String disabledReason() {
    return reason;
  }

  @Override
  public Path stateDir() {
    return stateDir;
  }

  @Override
  public void saveMeta(String sessionId, ObjectNode meta) {}

  @Override
  public void savePid(String sessionId, long pid, Instant spawnedAt, String model) {}

  @Override
  public void clearPid(String sessionId) {}

  @Override
  public void saveResult(String sessionId, ObjectNode result) {}

  @Override
  public void appendEvent(String sessionId, ObjectNode eventJson) {}

  @Override
  public void appendEvent(String sessionId, String type, JsonNode data, String timestamp) {}

  @Override
  public boolean deleteSession(String sessionId) {
    return false;
  }

  @Override
  public void flush() {}

  @Override
  public List<RecoveredSession> recover() {
    return List.of();
  }

  @Override
  public int prune(RetentionPolicy policy) {
    return 0;
  }

  @Override
  public void close() {}
}
