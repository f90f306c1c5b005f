package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.state.DiskUpdate;
import io.github.codexmcp.state.JsonFileStateStore;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.SystemClock;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A server's state writes without the server, for crash tests: opens the store on {@code args[0]}
 * and, for ever, writes sessions {@code sess_<args[1]>-<n>} (meta running, events, result, meta
 * idle), printing {@code done <id>} once a session's files are flushed; after each one it hands the
 * session back and tries to take over and append to the sessions of {@code args[2]} (another
 * writer's prefix), which succeeds only for those their writer handed back or left by dying. In
 * between it reads the other writer's sessions as a server keeping them fresh does (whole, then
 * what was appended since), while that writer may be writing them: reads must never damage them.
 */
public final class StateWriterMain {
  private StateWriterMain() {}

  public static void main(String[] args) {
    StateStore store = JsonFileStateStore.open(Path.of(args[0]), SystemClock.INSTANCE);
    String prefix = args[1];
    String other = args[2];
    for (int n = 0; ; n++) {
      String id = "sess_" + prefix + "-" + n;
      String now = Instant.now().toString();
      if (!store.claim(id)) {
        continue; // the other writer is appending to it right now (servers use fresh ids)
      }
      store.saveMeta(meta(id, "running", now));
      for (int e = 0; e < 20; e++) {
        ObjectNode ev = Json.object().put("type", "progress").put("timestamp", now);
        ev.putObject("data").put("text", "event " + e + " of " + id);
        store.appendEvent(id, ev);
      }
      store.saveResult(id, Json.object().put("text", "result of " + id));
      store.saveMeta(meta(id, "idle", now));
      store.flush();
      System.out.println("done " + id);
      System.out.flush();
      store.release(id);
      for (int k = Math.max(0, n - 3); k <= n + 1; k++) {
        DiskUpdate whole = store.readForeign("sess_" + other + "-" + k, null);
        if (whole != null) {
          store.readForeign("sess_" + other + "-" + k, whole.stamp());
        }
      }
      for (int k = Math.max(0, n - 3); k <= n; k++) {
        String theirs = "sess_" + other + "-" + k;
        if (store.claim(theirs)) {
          ObjectNode ev = Json.object().put("type", "progress").put("timestamp", now);
          ev.putObject("data").put("text", "taken over by " + prefix);
          store.appendEvent(theirs, ev);
          store.flush();
          store.release(theirs);
        }
      }
    }
  }

  private static PersistedMeta meta(String id, String status, String now) {
    return new PersistedMeta(
        id,
        status,
        now,
        now,
        null,
        null,
        "thr_" + id,
        "mock-model",
        "/tmp",
        "never",
        "read-only",
        null);
  }
}
