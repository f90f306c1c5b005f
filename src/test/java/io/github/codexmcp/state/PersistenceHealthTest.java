package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** On, degraded while writes fail, on again once they work; off when the store cannot open. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PersistenceHealthTest {
  static final String ID = "sess_1a2b3c4d-5e6";
  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(Instant.parse("2026-02-15T10:00:00.000Z"));

  @Test
  void writesThatFailDegradeAndWritesThatWorkRestore() throws Exception {
    StateStore store = JsonFileStateStore.open(tmp.resolve("state"), clock);
    try {
      assertInstanceOf(JsonFileStateStore.class, store);
      List<PersistenceHealth> changes = new CopyOnWriteArrayList<>();
      store.onHealthChange(changes::add);
      assertEquals(PersistenceHealth.ON, store.health());
      store.saveMeta(JsonFileStateStoreTest.meta(ID, "running"));
      store.flush();
      assertEquals(PersistenceHealth.ON, store.health());
      assertEquals(List.of(), changes);

      // the session's directory becomes a regular file: every write for it fails
      Path dir = tmp.resolve("state/sessions").resolve(ID);
      StateFiles.deleteRecursively(dir);
      Files.writeString(dir, "not a directory");
      store.saveMeta(JsonFileStateStoreTest.meta(ID, "idle"));
      store.flush();
      PersistenceHealth h = store.health();
      assertEquals(PersistenceHealth.Mode.DEGRADED, h.mode());
      assertTrue(h.reason().startsWith("writes to the state directory fail ("), h.reason());
      assertEquals(List.of(h), changes);

      // a second failing batch is no news
      store.saveMeta(JsonFileStateStoreTest.meta(ID, "running"));
      store.flush();
      assertEquals(1, changes.size());

      Files.delete(dir);
      store.saveMeta(JsonFileStateStoreTest.meta(ID, "idle"));
      store.flush();
      assertEquals(PersistenceHealth.ON, store.health());
      assertEquals(List.of(h, PersistenceHealth.ON), changes);
    } finally {
      store.close();
    }
  }

  @Test
  void aStoreThatCannotOpenIsOffWithItsReason() throws Exception {
    Path file = tmp.resolve("file");
    Files.writeString(file, "x");
    StateStore store = JsonFileStateStore.open(file, clock);
    try {
      PersistenceHealth h = store.health();
      assertEquals(PersistenceHealth.Mode.OFF, h.mode());
      assertEquals(store.disabledReason(), h.reason());
      assertEquals("off", h.mode().wireName());
    } finally {
      store.close();
    }
  }
}
