package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecoveryTest {
  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(Instant.parse("2026-02-15T12:00:00Z"));
  final List<StateStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(StateStore::close);
  }

  JsonFileStateStore open() {
    StateStore s = JsonFileStateStore.open(tmp, clock);
    opened.add(s);
    return assertInstanceOf(JsonFileStateStore.class, s);
  }

  Path sessionDir(String id) throws IOException {
    return Files.createDirectories(tmp.resolve("sessions").resolve(id));
  }

  void writeMeta(String id, String status) throws IOException {
    Files.writeString(
        sessionDir(id).resolve("meta.json"),
        Json.pretty(JsonFileStateStoreTest.meta(id, status).toJson()));
  }

  static String line(long seq) {
    return "{\"seq\":"
        + seq
        + ",\"type\":\"progress\",\"data\":{\"n\":"
        + seq
        + "},\"timestamp\":\"2026-02-15T10:00:00.000Z\"}\n";
  }

  Map<String, RecoveredSession> recoverById() {
    return open().recover().stream()
        .collect(Collectors.toMap(RecoveredSession::sessionId, Function.identity()));
  }

  @Test
  void activeSessionsComeBackAsErrorAndMetaIsRewritten() throws IOException {
    writeMeta("sess_running", "running");
    writeMeta("sess_waiting", "waiting_approval");
    writeMeta("sess_idle", "idle");
    writeMeta("sess_cancel", "cancelled");
    writeMeta("sess_weird", "exploded");
    Files.writeString(sessionDir("sess_running").resolve("result.json"), "{\"status\":\"failed\"}");

    JsonFileStateStore store = open();
    Map<String, RecoveredSession> rec =
        store.recover().stream()
            .collect(Collectors.toMap(RecoveredSession::sessionId, Function.identity()));
    assertEquals(5, rec.size());
    RecoveredSession r = rec.get("sess_running");
    assertEquals("error", r.meta().status());
    assertEquals("running", r.persistedStatus());
    assertEquals(RecoveredSession.RESTART_REASON, r.meta().cancelledReason());
    assertEquals("Server restarted while session was active", r.meta().cancelledReason());
    assertTrue(r.statusChanged());
    assertEquals("failed", r.result().get("status").asText());
    assertEquals("thr_1", r.meta().threadId());
    assertEquals("error", rec.get("sess_waiting").meta().status());
    assertEquals("idle", rec.get("sess_idle").meta().status());
    assertFalse(rec.get("sess_idle").statusChanged());
    assertEquals("cancelled", rec.get("sess_cancel").meta().status());
    assertEquals("error", rec.get("sess_weird").meta().status());
    assertNull(rec.get("sess_weird").meta().cancelledReason());

    store.flush();
    var onDisk =
        PersistedMeta.fromJson(
            Json.parse(Files.readString(tmp.resolve("sessions/sess_running/meta.json"))));
    assertEquals("error", onDisk.status());
    assertEquals(RecoveredSession.RESTART_REASON, onDisk.cancelledReason());
    assertEquals(
        "idle",
        Json.parse(Files.readString(tmp.resolve("sessions/sess_idle/meta.json")))
            .get("status")
            .asText());
  }

  @Test
  void keepsTheLastFiveHundredEventsAndContinuesTheSequence() throws IOException {
    writeMeta("sess_a", "idle");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1200; i++) {
      sb.append(line(i));
    }
    Path log = sessionDir("sess_a").resolve("events.jsonl");
    Files.writeString(log, sb);
    JsonFileStateStore store = open();
    RecoveredSession r = store.recover().get(0);
    assertEquals(500, r.events().size());
    assertEquals(700, r.events().get(0).get("seq").asLong());
    assertEquals(1199, r.lastSeq());
    assertEquals(1199, r.events().get(499).get("data").get("n").asLong());

    ObjectNode e = Json.object().put("type", "progress").put("timestamp", "t");
    store.appendEvent("sess_a", e);
    store.flush();
    List<String> lines = Files.readAllLines(log);
    assertEquals(1201, lines.size());
    assertEquals(1200, Json.parse(lines.get(1200)).get("seq").asLong());
  }

  @Test
  void largeLogIsReadFromTheTailWindowOnly() throws IOException {
    writeMeta("sess_big", "idle");
    String pad = "x".repeat(2000);
    StringBuilder sb = new StringBuilder("garbage that would stop a full scan\n");
    for (int i = 0; i < 3000; i++) {
      sb.append("{\"seq\":")
          .append(i)
          .append(",\"type\":\"progress\",\"data\":\"")
          .append(pad)
          .append("\"}\n");
    }
    Files.writeString(sessionDir("sess_big").resolve("events.jsonl"), sb);
    RecoveredSession r = open().recover().get(0);
    assertEquals(500, r.events().size());
    assertEquals(2500, r.events().get(0).get("seq").asLong());
    assertEquals(2999, r.lastSeq());
  }

  @Test
  void tornLastLineIsDroppedAndRepaired() throws IOException {
    writeMeta("sess_t", "idle");
    Path log = sessionDir("sess_t").resolve("events.jsonl");
    Files.writeString(log, line(0) + line(1) + "{\"seq\":2,\"type\":\"prog");
    JsonFileStateStore store = open();
    RecoveredSession r = store.recover().get(0);
    assertEquals(2, r.events().size());
    assertEquals(1, r.lastSeq());
    assertEquals(line(0) + line(1), Files.readString(log), "torn tail cut off");
    store.appendEvent("sess_t", Json.object().put("type", "progress"));
    store.flush();
    store.close();
    RecoveredSession again = open().recover().get(0);
    assertEquals(3, again.events().size());
    assertEquals(2, again.lastSeq());
  }

  @Test
  void completeButUnterminatedLastLineIsKept() throws IOException {
    writeMeta("sess_u", "idle");
    Path log = sessionDir("sess_u").resolve("events.jsonl");
    Files.writeString(log, line(0) + line(1).trim());
    RecoveredSession r = open().recover().get(0);
    assertEquals(1, r.lastSeq());
    assertTrue(Files.readString(log).endsWith("}\n"));
  }

  @Test
  void garbageLinesInsideTheLogAreSkipped() throws IOException {
    writeMeta("sess_g", "idle");
    Files.writeString(
        sessionDir("sess_g").resolve("events.jsonl"),
        line(0) + "not json\n\n[1,2]\n{\"seq\":\"x\"}\n" + line(1));
    RecoveredSession r = open().recover().get(0);
    assertEquals(List.of(0L, 1L), r.events().stream().map(e -> e.get("seq").asLong()).toList());
  }

  @Test
  void corruptOrMissingDocumentsNeverStopRecovery() throws IOException {
    writeMeta("sess_ok", "idle");
    Files.writeString(
        sessionDir("sess_trunc").resolve("meta.json"),
        "{\"schemaVersion\":1,\"sessionId\":\"sess_tr");
    Files.writeString(sessionDir("sess_empty").resolve("meta.json"), "");
    Files.writeString(sessionDir("sess_array").resolve("meta.json"), "[1]");
    Files.writeString(
        sessionDir("sess_noid").resolve("meta.json"), "{\"schemaVersion\":1,\"status\":\"idle\"}");
    Files.writeString(
        sessionDir("sess_mismatch").resolve("meta.json"),
        "{\"schemaVersion\":1,\"sessionId\":\"sess_ok\",\"status\":\"idle\"}");
    sessionDir("sess_nometa");
    Files.write(sessionDir("sess_binary").resolve("meta.json"), new byte[] {(byte) 0xff, 0, 1, 2});
    writeMeta("sess_badparts", "idle");
    Files.writeString(sessionDir("sess_badparts").resolve("result.json"), "{\"status\":");
    Files.writeString(sessionDir("sess_badparts").resolve("pid.json"), "{\"pid\":\"abc\"}");
    Files.writeString(sessionDir("sess_badparts").resolve("events.jsonl"), "\u0000\u0001");

    Map<String, RecoveredSession> rec = recoverById();
    assertEquals(List.of("sess_badparts", "sess_ok"), rec.keySet().stream().sorted().toList());
    RecoveredSession b = rec.get("sess_badparts");
    assertNull(b.result());
    assertNull(b.pid());
    assertEquals(List.of(), b.events());
    assertEquals(-1, b.lastSeq());
  }

  @Test
  void unknownSchemaVersionsAreSkipped() throws IOException {
    writeMeta("sess_ok", "idle");
    Files.writeString(
        sessionDir("sess_v2").resolve("meta.json"),
        "{\"schemaVersion\":2,\"sessionId\":\"sess_v2\",\"status\":\"idle\"}");
    Files.writeString(
        sessionDir("sess_vs").resolve("meta.json"),
        "{\"schemaVersion\":\"one\",\"sessionId\":\"sess_vs\",\"status\":\"idle\"}");
    Files.writeString(
        sessionDir("sess_v0").resolve("meta.json"),
        "{\"schemaVersion\":0,\"sessionId\":\"sess_v0\",\"status\":\"idle\"}");
    Files.writeString(
        sessionDir("sess_legacy").resolve("meta.json"),
        "{\"sessionId\":\"sess_legacy\",\"status\":\"idle\"}");
    Files.writeString(
        sessionDir("sess_legacy").resolve("pid.json"),
        "{\"pid\":12,\"spawnedAt\":\"2026-02-15T10:00:00.000Z\",\"command\":\"gpt-5\"}");
    Files.writeString(
        sessionDir("sess_pidv9").resolve("meta.json"),
        "{\"schemaVersion\":1,\"sessionId\":\"sess_pidv9\",\"status\":\"idle\"}");
    Files.writeString(sessionDir("sess_pidv9").resolve("pid.json"), "{\"version\":9,\"pid\":12}");
    Map<String, RecoveredSession> rec = recoverById();
    assertEquals(
        List.of("sess_legacy", "sess_ok", "sess_pidv9"), rec.keySet().stream().sorted().toList());
    assertEquals(12, rec.get("sess_legacy").pid().pid());
    assertNull(rec.get("sess_legacy").pid().model(), "2.1.7 'command' key is not read as anything");
    assertNull(rec.get("sess_pidv9").pid());
  }

  @Test
  void foreignEntriesAreIgnoredAndKept() throws IOException {
    writeMeta("sess_ok", "idle");
    Files.writeString(tmp.resolve("README.txt"), "mine");
    Files.writeString(tmp.resolve("sessions").resolve("notes.txt"), "mine");
    Files.writeString(tmp.resolve("sessions").resolve("sess_file"), "not a dir");
    Path foreign = Files.createDirectories(tmp.resolve("sessions").resolve("backup"));
    Files.writeString(
        foreign.resolve("meta.json"),
        "{\"schemaVersion\":1,\"sessionId\":\"backup\",\"status\":\"idle\"}");
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(
        outside.resolve("meta.json"),
        "{\"schemaVersion\":1,\"sessionId\":\"sess_link\",\"status\":\"idle\"}");
    Files.createSymbolicLink(tmp.resolve("sessions").resolve("sess_link"), outside);

    JsonFileStateStore store = open();
    assertEquals(
        List.of("sess_ok"), store.recover().stream().map(RecoveredSession::sessionId).toList());
    // the most aggressive policy still removes only session-shaped directories
    assertEquals(1, store.prune(new RetentionPolicy(java.time.Duration.ZERO, 0, 0)));
    assertFalse(Files.exists(tmp.resolve("sessions").resolve("sess_ok")));
    assertTrue(Files.exists(tmp.resolve("README.txt")));
    assertTrue(Files.exists(tmp.resolve("sessions").resolve("notes.txt")));
    assertTrue(Files.exists(tmp.resolve("sessions").resolve("sess_file")));
    assertTrue(Files.exists(foreign.resolve("meta.json")));
    assertTrue(Files.exists(outside.resolve("meta.json")), "links are never followed");
  }

  @Test
  void leftoverTempFilesAreRemovedAndMetaStaysWhole() throws IOException {
    writeMeta("sess_crash", "running");
    Files.writeString(sessionDir("sess_crash").resolve(".tmp-0123456789ab"), "{\"schemaVers");
    RecoveredSession r = open().recover().get(0);
    assertEquals("error", r.meta().status());
    assertFalse(Files.exists(tmp.resolve("sessions/sess_crash/.tmp-0123456789ab")));
  }
}
