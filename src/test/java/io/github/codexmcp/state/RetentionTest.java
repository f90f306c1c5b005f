package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RetentionTest {
  static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(NOW);
  StateStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  Path session(String id, Instant lastActive, int payloadBytes) throws IOException {
    Path d = Files.createDirectories(tmp.resolve("sessions").resolve(id));
    var meta =
        Json.object()
            .put("schemaVersion", 1)
            .put("sessionId", id)
            .put("status", "idle")
            .put("createdAt", lastActive.minusSeconds(60).toString());
    if (lastActive != null) {
      meta.put("lastActiveAt", lastActive.toString());
    }
    Files.writeString(d.resolve("meta.json"), Json.pretty(meta));
    if (payloadBytes > 0) {
      Files.createDirectories(d.resolve("nested"));
      Files.write(d.resolve("nested").resolve("blob"), new byte[payloadBytes]);
    }
    return d;
  }

  List<String> remaining() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("sessions"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  int prune(RetentionPolicy p) {
    store = JsonFileStateStore.open(tmp, clock);
    assertInstanceOf(JsonFileStateStore.class, store);
    return store.prune(p);
  }

  @Test
  void defaultsMatchTheSpec() {
    assertEquals(Duration.ofDays(7), RetentionPolicy.DEFAULT.maxAge());
    assertEquals(200, RetentionPolicy.DEFAULT.maxSessions());
    assertEquals(500L * 1024 * 1024, RetentionPolicy.DEFAULT.maxTotalBytes());
  }

  @Test
  void removesSessionsOlderThanSevenDays() throws IOException {
    session("sess_old", NOW.minus(Duration.ofDays(8)), 0);
    session("sess_edge", NOW.minus(Duration.ofDays(7)).plusSeconds(60), 0);
    session("sess_new", NOW.minusSeconds(5), 0);
    Path noMeta = Files.createDirectories(tmp.resolve("sessions").resolve("sess_nometa"));
    Files.setLastModifiedTime(noMeta, FileTime.from(NOW.minus(Duration.ofDays(30))));
    assertEquals(2, prune(RetentionPolicy.DEFAULT));
    assertEquals(List.of("sess_edge", "sess_new"), remaining());
  }

  @Test
  void keepsOnlyTheNewestBeyondTheCountLimit() throws IOException {
    for (int i = 0; i < 205; i++) {
      session(String.format("sess_%03d", i), NOW.minusSeconds(1000 - i), 0);
    }
    assertEquals(5, prune(RetentionPolicy.DEFAULT));
    List<String> left = remaining();
    assertEquals(200, left.size());
    assertEquals("sess_005", left.get(0));
  }

  @Test
  void removesOldestUntilUnderTheSizeLimit() throws IOException {
    session("sess_a", NOW.minusSeconds(40), 4000);
    session("sess_b", NOW.minusSeconds(30), 4000);
    session("sess_c", NOW.minusSeconds(20), 4000);
    session("sess_d", NOW.minusSeconds(10), 4000);
    assertEquals(2, prune(new RetentionPolicy(Duration.ofDays(7), 200, 9000)));
    assertEquals(List.of("sess_c", "sess_d"), remaining());
  }

  @Test
  void createdAtIsUsedWhenLastActiveAtIsMissing() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("sessions").resolve("sess_c"));
    Files.writeString(
        d.resolve("meta.json"),
        "{\"sessionId\":\"sess_c\",\"createdAt\":\"" + NOW.minus(Duration.ofDays(9)) + "\"}");
    assertEquals(1, prune(RetentionPolicy.DEFAULT));
  }
}
