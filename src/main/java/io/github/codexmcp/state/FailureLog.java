package io.github.codexmcp.state;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs each failure key once (spec 40 §1: once per session and operation is enough). Called from
 * any thread (producers under session locks, the writer thread); a concurrent set, no lock.
 */
final class FailureLog {
  private static final int MAX_KEYS = 10_000;
  private final Logger log;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  FailureLog(Logger log) {
    this.log = log;
  }

  void once(String key, String message) {
    if (seen.size() > MAX_KEYS) {
      seen.clear();
    }
    if (seen.add(key)) {
      log.warn(message);
    }
  }
}
