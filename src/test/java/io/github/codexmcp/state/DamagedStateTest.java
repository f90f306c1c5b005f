package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged state does not lose sessions: truncated or garbled documents are rebuilt from the event
 * log where it can be and listed as damaged where it cannot; failed writes (a full disk, simulated
 * through the store's {@link StateFiles} seam) are retried and never leave a status on disk that
 * was not reached.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DamagedStateTest {
  static final String ID = "sess_dmg0000001";
  static final String TS = "2026-02-15T10:00:0";

  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(Instant.parse("2026-02-15T12:00:00Z"));
  final List<StateStore> opened = new ArrayList<>();

  /** Files that fail like a full disk for the file names in {@link #full}. */
  final Set<String> full = ConcurrentHashMap.newKeySet();

  @AfterEach
  void closeAll() {
    full.clear();
    opened.forEach(StateStore::close);
  }

  /** A store as {@link JsonFileStateStore#open} makes it, writing through failable files. */
  JsonFileStateStore open() throws IOException {
    StateFiles files =
        new StateFiles(StateFiles.supportsPosix(tmp)) {
          @Override
          void writeAtomically(Path target, byte[] bytes) throws IOException {
            failIfFull(target);
            super.writeAtomically(target, bytes);
          }

          @Override
          void append(Path file, ByteBuffer bytes) throws IOException {
            failIfFull(file);
            super.append(file, bytes);
          }
        };
    files.createDirectories(tmp.resolve("sessions"));
    JsonFileStateStore s =
        new JsonFileStateStore(
            tmp, files, new SessionOwnership(tmp, files), ProcessTable.system(), clock);
    opened.add(s);
    return s;
  }

  void failIfFull(Path file) throws IOException {
    if (full.contains(file.getFileName().toString())) {
      throw new IOException("No space left on device");
    }
  }

  /** Reopens the directory as the next server start would (the old store is closed first). */
  RecoveredSession restart() throws IOException {
    opened.forEach(StateStore::close);
    opened.clear();
    full.clear();
    List<RecoveredSession> found = open().recover();
    assertEquals(1, found.size(), "the session must not be dropped");
    return found.get(0);
  }

  static PersistedMeta meta(String status) {
    return new PersistedMeta(
        ID,
        status,
        "2026-02-15T10:00:00.000Z",
        "2026-02-15T10:00:05.000Z",
        null,
        null,
        "thr_1",
        "gpt-5",
        "/work/repo",
        "on-request",
        "workspace-write",
        null);
  }

  static ObjectNode data(String json) {
    return (ObjectNode) Json.parse(json.replace('\'', '"'));
  }

  /** A turn that starts: thread/started, turn/started, some output. */
  void startTurn(JsonFileStateStore store) {
    store.saveMeta(meta("running"));
    store.appendEvent(
        ID, "progress", data("{'method':'thread/started','threadId':'thr_1'}"), TS + "0.000Z");
    store.appendEvent(
        ID, "progress", data("{'method':'turn/started','turnId':'t1'}"), TS + "1.000Z");
    store.appendEvent(ID, "output", data("{'method':'item/agentMessage/delta'}"), TS + "2.000Z");
  }

  /** The turn finishing, as the session manager reports it: log, result, then meta idle. */
  void finishTurn(JsonFileStateStore store) {
    store.appendEvent(
        ID,
        "output",
        data("{'method':'item/completed','item':{'type':'agentMessage','text':'all done'}}"),
        TS + "3.000Z");
    store.appendEvent(
        ID,
        "result",
        data(
            "{'method':'turn/completed','turnId':'t1','status':'completed',"
                + "'turn':{'id':'t1','status':'completed'}}"),
        TS + "4.000Z");
    store.saveResult(
        ID,
        data(
            "{'turnId':'t1','text':'all done','status':'completed',"
                + "'completedAt':'2026-02-15T10:00:04.000Z'}"));
    store.saveMeta(meta("idle"));
  }

  Path file(String name) {
    return tmp.resolve("sessions").resolve(ID).resolve(name);
  }

  String status(Path metaFile) throws IOException {
    return Json.parse(Files.readString(metaFile)).path("status").asText();
  }

  @Test
  void metaCutInHalfIsRebuiltFromTheEventLogAndResult() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    finishTurn(store);
    store.flush();
    byte[] whole = Files.readAllBytes(file("meta.json"));
    byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
    Files.write(file("meta.json"), half);

    RecoveredSession r = restart();
    assertEquals("idle", r.meta().status());
    assertEquals("thr_1", r.meta().threadId());
    assertEquals("2026-02-15T10:00:00.000Z", r.meta().createdAt());
    assertEquals("all done", r.result().path("text").asText(), "result.json was intact");
    assertEquals(5, r.events().size());
    assertTrue(r.metaRebuilt());
    assertEquals(1, r.damage().size(), r.damage().toString());
    String d = r.damage().get(0);
    assertTrue(d.startsWith("meta.json unreadable (truncated or not JSON"), d);
    assertTrue(d.contains("rebuilt from events.jsonl and result.json (status idle)"), d);
    assertTrue(d.endsWith("unknown: model, cwd, approvalPolicy, sandbox, profile, usage"), d);
    opened.get(0).flush();
    assertTrue(
        java.util.Arrays.equals(half, Files.readAllBytes(file("meta.json"))),
        "a rebuilt meta is not written over the damaged file");
  }

  @Test
  void metaMissingWithARunningTurnInTheLogComesBackAsErrorAndIsListedDamaged() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    store.flush();
    Files.delete(file("meta.json"));

    RecoveredSession r = restart();
    assertEquals("error", r.meta().status());
    assertEquals(RecoveredSession.RESTART_REASON, r.meta().cancelledReason());
    assertNull(r.result());
    assertTrue(r.damage().get(0).startsWith("meta.json missing: rebuilt from events.jsonl"));
  }

  @Test
  void garbledResultIsAWarningAndIsRebuiltFromTheLog() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    finishTurn(store);
    store.flush();
    Files.writeString(file("result.json"), "{\"turnId\":\"t1\",\"te\u0000");

    RecoveredSession r = restart();
    assertEquals("idle", r.meta().status());
    ObjectNode result = r.result();
    assertEquals("t1", result.path("turnId").asText());
    assertEquals("completed", result.path("status").asText());
    assertEquals("all done", result.path("text").asText());
    assertEquals("2026-02-15T10:00:04.000Z", result.path("completedAt").asText());
    assertEquals(
        List.of(
            "result.json unreadable (truncated or not JSON: JsonParseException): the last result"
                + " was rebuilt from events.jsonl (turn, status and text only)"),
        r.damage());
  }

  @Test
  void garbledResultWithoutAResultInTheLogSaysTheResultIsLost() throws IOException {
    JsonFileStateStore store = open();
    store.saveMeta(meta("idle"));
    store.flush();
    Files.writeString(file("result.json"), "[1,2]");

    RecoveredSession r = restart();
    assertNull(r.result());
    assertEquals(
        List.of("result.json not a JSON object: the last turn's result is lost"), r.damage());
  }

  @Test
  void fullDiskAtTheEndOfATurnHoldsTheStatusBackAndRetriesOnceThereIsRoom() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    store.flush();
    full.addAll(List.of("events.jsonl", "result.json"));
    finishTurn(store);
    store.flush();
    // meta.json could be written, but not before the log and the result it stands for
    assertEquals("running", status(file("meta.json")));
    assertFalse(Files.exists(file("result.json")));

    full.clear(); // room again: the next pass writes everything, nothing was lost
    store.flush();
    assertEquals("idle", status(file("meta.json")));
    assertEquals(
        "all done", Json.parse(Files.readString(file("result.json"))).path("text").asText());
    List<String> lines = Files.readAllLines(file("events.jsonl"));
    assertEquals(5, lines.size());
    assertEquals(4, Json.parse(lines.get(4)).path("seq").asInt());

    RecoveredSession r = restart();
    assertEquals("idle", r.meta().status());
    assertEquals(List.of(), r.damage());
  }

  @Test
  void fullDiskForDocumentsOnlyStillRestartsAsFinished() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    store.flush();
    full.addAll(List.of("meta.json", "result.json"));
    finishTurn(store);
    store.flush();
    assertEquals("running", status(file("meta.json")));

    // killed before there is room again: the event log recorded the finished turn
    RecoveredSession r = restart();
    assertEquals("idle", r.meta().status(), "not error: the turn had finished");
    assertNull(r.meta().cancelledReason());
    assertEquals("all done", r.result().path("text").asText());
    assertEquals(2, r.damage().size(), r.damage().toString());
    assertTrue(
        r.damage().get(1).startsWith("meta.json was behind events.jsonl"), r.damage().get(1));
    assertTrue(
        r.damage().get(0).startsWith("result.json missing although events.jsonl"),
        r.damage().get(0));
    opened.get(0).flush();
    assertEquals("idle", status(file("meta.json")), "the status it reached is stored");
  }

  @Test
  void fullDiskThroughoutLeavesTheLastStatusThatReachedTheDisk() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    store.flush();
    full.addAll(List.of("meta.json", "result.json", "events.jsonl"));
    finishTurn(store);
    store.flush();
    JsonNode onDisk = Json.parse(Files.readString(file("meta.json")));
    assertEquals("running", onDisk.path("status").asText());
    // nothing on disk says the turn ended: the restart rule applies (the server did stop while
    // the session was, as far as anything recorded shows, running)
    RecoveredSession r = restart();
    assertEquals("error", r.meta().status());
    assertEquals(RecoveredSession.RESTART_REASON, r.meta().cancelledReason());
    assertEquals(List.of(), r.damage());
  }

  @Test
  void aSecondRestartAfterTheRestartRuleIsNotReportedAsDamage() throws IOException {
    JsonFileStateStore store = open();
    startTurn(store);
    store.flush();
    RecoveredSession first = restart();
    assertEquals("error", first.meta().status());
    opened.get(0).flush();
    RecoveredSession second = restart();
    assertEquals("error", second.meta().status());
    assertEquals(List.of(), second.damage());
  }
}
