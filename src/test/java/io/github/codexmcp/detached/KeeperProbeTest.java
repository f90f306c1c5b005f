package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.codexmcp.state.JsonFileStateStore;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mark a server's store leaves when it hands a session back at rest is the mark the keeper's
 * probe reads of the same {@code meta.json}: else the keeper would take every hand-back for a
 * change and ask anyway.
 */
class KeeperProbeTest {
  static final String ID = "sess_probe000001";
  @TempDir Path dir;

  @Test
  void theMarkOfAHandBackIsTheMarkTheProbeReadsUntilMetaIsWrittenAgain() throws IOException {
    Path state = dir.resolve("state");
    StateStore store = JsonFileStateStore.open(state, new ManualClock());
    try {
      store.saveMeta(ID, meta("idle"));
      store.flush();
      assertNotNull(store.release(ID, store.claimEpoch(ID)));
      Path metaFile = state.resolve("sessions").resolve(ID).resolve("meta.json");
      Instant written = Files.getLastModifiedTime(metaFile).toInstant();
      ManualClock clock = new ManualClock(written);
      KeeperProbe probe =
          new KeeperProbe(
              new DetachedPaths(dir.resolve("run"), state), new ManualTimer(clock), clock);

      assertNull(probe.restMark(ID), "written just now: a later write could hide in its tick");
      Object handedBack = probe.releasedAtRest(ID);
      assertNotNull(handedBack);
      assertNull(probe.releasedAtRest(ID), "taken once");
      clock.advance(Duration.ofSeconds(3));
      assertEquals(handedBack, probe.restMark(ID));

      store.claim(ID);
      store.saveMeta(ID, meta("running"));
      store.flush();
      Instant rewritten = Files.getLastModifiedTime(metaFile).toInstant().plusSeconds(3);
      clock.adjustWallClock(Duration.between(clock.instant(), rewritten));
      assertNotEquals(handedBack, probe.restMark(ID), "written since: asked");
    } finally {
      store.close();
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode meta(String status) {
    return Json.object()
        .put("sessionId", ID)
        .put("status", status)
        .put("createdAt", "2026-02-15T10:00:00.000Z")
        .put("lastActiveAt", "2026-02-15T10:05:00.000Z")
        .put("threadId", "thr_1");
  }
}
