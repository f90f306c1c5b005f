package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JsonFileStateStoreTest {
  static final String ID = "sess_1a2b3c4d-5e6";
  static final Instant T0 = Instant.parse("2026-02-15T10:00:00.000Z");

  @TempDir Path tmp;
  final ManualClock clock = new ManualClock(T0);
  final List<StateStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(StateStore::close);
  }

  JsonFileStateStore open(Path dir) {
    StateStore s = JsonFileStateStore.open(dir, clock);
    opened.add(s);
    return assertInstanceOf(JsonFileStateStore.class, s, () -> "disabled: " + s.disabledReason());
  }

  static PersistedMeta meta(String id, String status) {
    return new PersistedMeta(
        id,
        status,
        "2026-02-15T10:00:00.000Z",
        "2026-02-15T10:05:00.000Z",
        null,
        null,
        "thr_1",
        "gpt-5",
        "/work/repo",
        "on-request",
        "workspace-write",
        null);
  }

  static ObjectNode event(String type, String text) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.putObject("data").put("text", text);
    e.put("timestamp", "2026-02-15T10:00:01.000Z");
    return e;
  }

  static JsonNode readJson(Path p) throws IOException {
    return Json.MAPPER.readTree(Files.readString(p));
  }

  @Test
  void writesDocumentsAtomicallyAndReadsThemBack() throws IOException {
    Path dir = tmp.resolve("state");
    JsonFileStateStore store = open(dir);
    ObjectNode result = Json.object().put("status", "completed").put("text", "done");
    store.saveMeta(meta(ID, "running"));
    store.saveMeta(meta(ID, "idle"));
    store.saveResult(ID, result);
    store.savePid(ID, 4242, T0, "gpt-5");
    store.flush();

    Path sd = dir.resolve("sessions").resolve(ID);
    String metaText = Files.readString(sd.resolve("meta.json"));
    assertTrue(
        metaText.startsWith("{\n  \"schemaVersion\": 1,\n  \"sessionId\": \"" + ID + "\""),
        metaText);
    assertTrue(metaText.endsWith("}\n"));
    assertEquals(meta(ID, "idle"), PersistedMeta.fromJson(readJson(sd.resolve("meta.json"))));
    assertEquals(result, readJson(sd.resolve("result.json")));
    PidRecord pid = PidRecord.fromJson(readJson(sd.resolve("pid.json")));
    assertEquals(4242, pid.pid());
    assertEquals(T0, pid.spawnedInstant());
    assertEquals("gpt-5", pid.model());
    try (var files = Files.list(sd)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
    }

    store.close();
    JsonFileStateStore again = open(dir);
    List<RecoveredSession> rec = again.recover();
    assertEquals(1, rec.size());
    assertEquals(meta(ID, "idle"), rec.get(0).meta());
    assertEquals(result, rec.get(0).result());
    assertEquals(4242, rec.get(0).pid().pid());
    assertFalse(rec.get(0).statusChanged());
  }

  @Test
  void filesAreOwnerOnly() throws IOException {
    Path dir = tmp.resolve("a").resolve("state");
    JsonFileStateStore store = open(dir);
    assumeTrue(StateFiles.supportsPosix(dir));
    store.saveMeta(meta(ID, "running"));
    store.appendEvent(ID, event("progress", "x"));
    store.saveResult(ID, Json.object());
    store.savePid(ID, 7, T0, null);
    store.flush();
    Path sd = dir.resolve("sessions").resolve(ID);
    for (Path d : List.of(tmp.resolve("a"), dir, dir.resolve("sessions"), sd)) {
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(d)),
          d.toString());
    }
    for (String f : List.of("meta.json", "events.jsonl", "result.json", "pid.json")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(sd.resolve(f))),
          f);
    }
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(
                dir.resolve(SessionOwnership.DIR_NAME).resolve(ID + ".lock"))));
  }

  @Test
  void eventLinesCarrySequenceNumbers() throws IOException {
    JsonFileStateStore store = open(tmp);
    store.appendEvent(ID, event("progress", "a"));
    store.appendEvent(ID, event("progress", "b"));
    ObjectNode explicit = event("result", "c");
    explicit.put("seq", 10);
    store.appendEvent(ID, explicit);
    store.appendEvent(ID, event("progress", "d"));
    store.flush();
    List<String> lines =
        Files.readAllLines(tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"));
    assertEquals(
        "{\"seq\":0,\"type\":\"progress\",\"data\":{\"text\":\"a\"},\"timestamp\":\"2026-02-15T10:00:01.000Z\"}",
        lines.get(0));
    // seq first even when the event carried its own, and no second seq field
    assertEquals(
        "{\"seq\":10,\"type\":\"result\",\"data\":{\"text\":\"c\"},\"timestamp\":\"2026-02-15T10:00:01.000Z\"}",
        lines.get(2));
    List<Long> seqs = new ArrayList<>();
    for (String l : lines) {
      seqs.add(Json.parse(l).get("seq").asLong());
    }
    assertEquals(List.of(0L, 1L, 10L, 11L), seqs);
  }

  @Test
  void eventLinesAreUtf8WithCharactersAsTheyAre() throws IOException {
    JsonFileStateStore store = open(tmp);
    store.appendEvent(ID, event("output", "caf\u00e9 \uD83D\uDE00 \"q\"\n"));
    store.flush();
    List<String> lines =
        Files.readAllLines(
            tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"),
            java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(
        "{\"seq\":0,\"type\":\"output\",\"data\":{\"text\":\"caf\u00e9 \uD83D\uDE00 \\\"q\\\"\\n\"},\"timestamp\":\"2026-02-15T10:00:01.000Z\"}",
        lines.get(0));
  }

  @Test
  void temporaryNamesAreTwelveHexDigits() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      String h = StateFiles.randomHex();
      assertEquals(true, h.matches("[0-9a-f]{12}"), h);
      seen.add(h);
    }
    assertEquals(200, seen.size());
  }

  /** An event given by its parts is the same line as the object holding them; seq runs on. */
  @Test
  void eventFromItsPartsIsTheSameLine() throws IOException {
    JsonFileStateStore store = open(tmp);
    ObjectNode whole = event("output", "caf\u00e9 \uD83D\uDE00 \"q\"\n");
    store.appendEvent(ID, whole);
    store.appendEvent(ID, "output", whole.get("data"), "2026-02-15T10:00:01.000Z");
    store.appendEvent(ID, event("approval_request", "x"));
    store.appendEvent(ID, "approval_result", Json.NODES.nullNode(), "2026-02-15T10:00:02.000Z");
    store.flush();
    List<String> lines =
        Files.readAllLines(
            tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"),
            java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(4, lines.size());
    assertEquals(lines.get(0).replace("\"seq\":0,", "\"seq\":1,"), lines.get(1));
    assertEquals(
        "{\"seq\":3,\"type\":\"approval_result\",\"data\":null,\"timestamp\":\"2026-02-15T10:00:02.000Z\"}",
        lines.get(3));
  }

  /** Event lines carry every kind of value exactly as the mapper writes it. */
  @Test
  void eventDataOfEveryKindIsWrittenAsTheMapperWritesIt() throws IOException {
    JsonFileStateStore store = open(tmp);
    ObjectNode e = event("progress", "x");
    ObjectNode data = e.putObject("data");
    data.put("s", "t\u00e9\"\n")
        .put("i", 7)
        .put("l", 12345678901L)
        .put("d", 1.25)
        .put("f", 2.5f)
        .put("big", new java.math.BigInteger("123456789012345678901234567890"))
        .put("dec", new java.math.BigDecimal("1.50"))
        .put("t", true)
        .putNull("n")
        .put("bin", new byte[] {1, 2, 3});
    data.putArray("a").add(1).add("two").addNull().addObject().putArray("deep").add(false);
    data.putObject("empty");
    data.putArray("none");
    data.putPOJO("pojo", java.util.Map.of("k", 1));
    store.appendEvent(ID, e);
    store.flush();
    String line =
        Files.readAllLines(
                tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"),
                java.nio.charset.StandardCharsets.UTF_8)
            .get(0);
    ObjectNode expected = Json.object().put("seq", 0);
    e.properties().forEach(f -> expected.set(f.getKey(), f.getValue()));
    assertEquals(Json.write(expected), line);
  }

  /**
   * Regression: the session layer hands over its whole view of a session, and meta.json used to get
   * all of it, advanced.config included (which the docs promise never reaches the disk).
   */
  @Test
  void metaKeepsOnlyItsOwnFieldsAndNeverTheConfig() throws IOException {
    JsonFileStateStore store = open(tmp);
    ObjectNode view = Json.object();
    view.put("sessionId", ID)
        .put("status", "running")
        .put("createdAt", "2026-02-15T10:00:00.000Z")
        .put("lastActiveAt", "2026-02-15T10:00:01.000Z")
        .put("threadId", "th")
        .put("model", "m")
        .put("cwd", "/w")
        .put("approvalPolicy", "never")
        .put("sandbox", "read-only")
        .put("profile", "p")
        .put("approvalTimeoutMs", 60000)
        .put("lastEventCursor", 12)
        .put("activeTurnId", "t1");
    view.putObject("config").put("model_providers.x.api_key", "secret-value");
    store.saveMeta(ID, view);
    store.flush();
    String text = Files.readString(tmp.resolve("sessions").resolve(ID).resolve("meta.json"));
    assertFalse(text.contains("secret-value"), text);
    List<String> fields = new ArrayList<>();
    Json.parse(text).fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "schemaVersion",
            "sessionId",
            "status",
            "createdAt",
            "lastActiveAt",
            "threadId",
            "model",
            "cwd",
            "approvalPolicy",
            "sandbox",
            "profile",
            "approvalTimeoutMs"),
        fields);
  }

  /** A value that cannot be written: a public getter that throws. */
  public static final class Unwritable {
    public String getValue() {
      throw new IllegalStateException("cannot write this");
    }
  }

  /** Regression (review): a failed write left the session's generator mid-object for good. */
  @Test
  void anEventThatCannotBeWrittenLeavesNoPartialLineAndLaterEventsStillWork() throws IOException {
    JsonFileStateStore store = open(tmp);
    store.appendEvent(ID, event("progress", "before"));
    ObjectNode bad = event("progress", "bad");
    ((ObjectNode) bad.get("data")).putPOJO("x", new Unwritable());
    try {
      store.appendEvent(ID, bad);
    } catch (RuntimeException expected) {
      // reported to the caller; what matters is the log afterwards
    }
    store.appendEvent(ID, event("progress", "after"));
    store.flush();
    List<String> lines =
        Files.readAllLines(tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"));
    assertEquals(2, lines.size(), lines.toString());
    assertEquals("before", Json.parse(lines.get(0)).at("/data/text").asText());
    assertEquals("after", Json.parse(lines.get(1)).at("/data/text").asText());
  }

  @Test
  void criticalEventReachesDiskWithoutExplicitFlush() throws Exception {
    JsonFileStateStore store = open(tmp);
    store.appendEvent(ID, event("approval_request", "rm -rf?"));
    Path log = tmp.resolve("sessions").resolve(ID).resolve("events.jsonl");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!(Files.exists(log) && Files.size(log) > 0) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
    }
    assertTrue(Files.size(log) > 0, "writer thread flushed the critical event");
    assertEquals("codex-mcp-state", store.writerThread().getName());
    assertTrue(store.writerThread().isDaemon());
  }

  /**
   * A new session's first meta and its child's pid go out at once, without waiting for the batch
   * window (a crash soon after must leave a session to recover and a child to reap; and they are
   * written while Codex is still starting up, not while it works on the first turn).
   */
  @Test
  void firstMetaAndPidReachDiskWithoutExplicitFlush() throws Exception {
    JsonFileStateStore store = open(tmp);
    store.batchWindowForTests(TimeUnit.HOURS.toNanos(1)); // only what goes out at once is seen
    store.saveMeta(meta(ID, "running"));
    Path m = tmp.resolve("sessions").resolve(ID).resolve("meta.json");
    awaitFile(m);
    store.savePid(ID, 4242, T0, null);
    awaitFile(tmp.resolve("sessions").resolve(ID).resolve("pid.json"));
  }

  private static void awaitFile(Path p) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!(Files.exists(p) && Files.size(p) > 0) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
    }
    assertTrue(Files.exists(p) && Files.size(p) > 0, p + " written by the writer thread");
  }

  @Test
  void identicalMetaIsWrittenOnce() throws IOException {
    JsonFileStateStore store = open(tmp);
    store.saveMeta(meta(ID, "running"));
    store.flush();
    Path m = tmp.resolve("sessions").resolve(ID).resolve("meta.json");
    Files.delete(m);
    store.saveMeta(meta(ID, "running")); // same document: dropped
    store.flush();
    assertFalse(Files.exists(m));
    store.saveMeta(meta(ID, "idle"));
    store.flush();
    assertTrue(Files.exists(m));
  }

  @Test
  void clearPidRemovesPidFile() throws IOException {
    JsonFileStateStore store = open(tmp);
    store.savePid(ID, 99, T0, null);
    store.flush();
    Path pid = tmp.resolve("sessions").resolve(ID).resolve("pid.json");
    assertTrue(Files.exists(pid));
    store.clearPid(ID);
    store.flush();
    assertFalse(Files.exists(pid));
  }

  @Test
  void deleteSessionRemovesDirectoryAndIgnoresLaterWrites() throws IOException {
    JsonFileStateStore store = open(tmp);
    store.saveMeta(meta(ID, "cancelled"));
    store.appendEvent(ID, event("progress", "x"));
    store.flush();
    Path sd = tmp.resolve("sessions").resolve(ID);
    assertTrue(Files.isDirectory(sd));
    assertTrue(store.deleteSession(ID));
    assertFalse(Files.exists(sd));
    store.appendEvent(ID, event("progress", "late"));
    store.saveMeta(meta(ID, "cancelled"));
    store.flush();
    assertFalse(Files.exists(sd), "no resurrection by late writes");
    assertFalse(store.deleteSession(ID));
    assertFalse(store.deleteSession("sess_unknown"));
  }

  @Test
  void deleteSessionCountsQueuedButUnwrittenState() {
    JsonFileStateStore store = open(tmp);
    store.saveMeta(meta(ID, "idle"));
    assertTrue(store.deleteSession(ID));
    store.flush();
    assertFalse(Files.exists(tmp.resolve("sessions").resolve(ID)));
  }

  @Test
  void rejectsTraversalAndMalformedIds() throws IOException {
    Path dir = tmp.resolve("state");
    JsonFileStateStore store = open(dir);
    Path sibling = dir.resolve("victim");
    Files.createDirectories(sibling);
    Files.writeString(sibling.resolve("keep.txt"), "x");
    List<String> bad =
        new ArrayList<>(
            List.of(
                "../victim",
                "..",
                "/etc",
                "sess_../x",
                "sess_a/b",
                "sess_a\\b",
                "sess_",
                "",
                "sess_" + "a".repeat(65),
                "C:\\x",
                "sess_a b",
                "sess_a\u0000"));
    bad.add(null);
    for (String id : bad) {
      store.saveMeta(id, meta(ID, "idle").toJson());
      store.appendEvent(id, event("progress", "x"));
      store.saveResult(id, Json.object());
      store.savePid(id, 1, T0, null);
      store.clearPid(id);
      assertFalse(store.deleteSession(id), String.valueOf(id));
    }
    store.flush();
    assertTrue(Files.exists(sibling.resolve("keep.txt")));
    try (var s = Files.list(dir.resolve("sessions"))) {
      assertEquals(0, s.count());
    }
    assertFalse(Files.exists(tmp.resolve("victim")));
  }

  /** Two servers on one directory (two stores here): both persist, each writes only its own. */
  @Test
  void twoStoresShareTheDirectoryEachWritingOnlyTheSessionsItDrives() throws IOException {
    JsonFileStateStore a = open(tmp);
    JsonFileStateStore b = open(tmp);
    assertTrue(b.enabled());
    String other = "sess_other-0001";
    a.saveMeta(meta(ID, "running"));
    a.appendEvent(ID, event("progress", "from a"));
    a.flush();
    b.saveMeta(meta(other, "idle"));
    b.flush();
    assertTrue(b.drivenElsewhere(ID));
    assertFalse(b.claim(ID));
    b.saveMeta(meta(ID, "idle")); // dropped: a drives it
    b.appendEvent(ID, event("progress", "from b"));
    b.flush();
    assertEquals(
        "running",
        readJson(tmp.resolve("sessions").resolve(ID).resolve("meta.json")).path("status").asText());
    assertFalse(
        Files.readString(tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"))
            .contains("from b"));
    assertEquals(List.of(other, ID).stream().sorted().toList(), b.sessionIdsOnDisk());
    assertEquals("running", b.read(ID).orElseThrow().meta().status(), "read as on disk");

    // b's recovery reads a's session as it is (a is alive: no restart rule), claims nothing of it
    List<RecoveredSession> seen = b.recover();
    RecoveredSession fromA =
        seen.stream().filter(r -> r.sessionId().equals(ID)).findFirst().orElseThrow();
    assertEquals("running", fromA.meta().status());
    assertFalse(fromA.statusChanged());
    assertFalse(b.deleteSession(ID), "b must not remove a session a drives");
    assertTrue(Files.isDirectory(tmp.resolve("sessions").resolve(ID)));

    // a hands it back: b takes it over and its log continues after a's lines
    a.release(ID);
    assertFalse(b.drivenElsewhere(ID));
    assertTrue(b.claim(ID));
    assertTrue(a.drivenElsewhere(ID));
    b.appendEvent(ID, event("progress", "from b after takeover"));
    b.flush();
    List<String> lines =
        Files.readAllLines(tmp.resolve("sessions").resolve(ID).resolve("events.jsonl"));
    assertEquals(2, lines.size(), lines.toString());
    assertEquals(1, Json.parse(lines.get(1)).path("seq").asLong(), lines.toString());
    a.appendEvent(ID, event("progress", "late write from a"));
    a.flush();
    assertEquals(
        2, Files.readAllLines(tmp.resolve("sessions").resolve(ID).resolve("events.jsonl")).size());
  }

  /** The keeper in this JVM gets meta.json's mark as handed back: the one it reads itself. */
  @Test
  void aHandBackLeavesTheKeeperTheMarkOfMetaAsWritten() throws IOException {
    JsonFileStateStore a = open(tmp);
    a.saveMeta(meta(ID, "idle"));
    a.flush();
    assertNotNull(a.release(ID, a.claimEpoch(ID)));
    DiskStamp.FileMark now =
        DiskStamp.FileMark.of(tmp.resolve("sessions").resolve(ID).resolve("meta.json"));
    assertTrue(now.key() != null || !StateFiles.supportsPosix(tmp), "inodes on POSIX systems");
    assertEquals(now.key() == null ? null : now, SessionOwnership.takeRestedHere(tmp, ID));
  }

  /**
   * A write after the hand-back is a map lookup: no claim (lock file I/O) on the caller's thread.
   */
  @Test
  void aWriteAfterTheHandBackNeitherClaimsNorTouchesTheDiskUntilClaimed() throws IOException {
    JsonFileStateStore a = open(tmp);
    a.saveMeta(meta(ID, "idle"));
    a.appendEvent(ID, event("progress", "first"));
    a.flush();
    assertNotNull(a.release(ID, a.claimEpoch(ID)));
    long epoch = a.owners().epoch(ID);
    a.appendEvent(ID, event("warning", "after the hand-back")); // e.g. a TTL warning
    a.saveMeta(meta(ID, "idle"));
    a.flush();
    assertEquals(epoch, a.owners().epoch(ID), "no tryAcquire on the writing thread");
    assertFalse(a.holds(ID), "a write does not claim a session handed back");
    Path log = tmp.resolve("sessions").resolve(ID).resolve("events.jsonl");
    assertEquals(1, Files.readAllLines(log).size());

    assertTrue(a.claim(ID)); // the claim (off any session lock) makes the slot
    a.appendEvent(ID, event("progress", "driven again"));
    a.flush();
    List<String> lines = Files.readAllLines(log);
    assertEquals(2, lines.size(), lines.toString());
    assertEquals(1, Json.parse(lines.get(1)).path("seq").asLong(), lines.toString());
  }

  @Test
  void closingAStoreHandsItsSessionsBack() {
    JsonFileStateStore a = open(tmp);
    a.saveMeta(meta(ID, "idle"));
    a.flush();
    JsonFileStateStore b = open(tmp);
    assertTrue(b.drivenElsewhere(ID));
    a.close();
    assertFalse(b.drivenElsewhere(ID));
    List<RecoveredSession> found = b.recover();
    assertEquals(1, found.size());
    assertTrue(b.owners().holds(ID), "recovery claims sessions nobody drives");
  }

  @Test
  void unwritableDirectoryRunsMemoryOnlyWithReason() throws IOException {
    Path file = tmp.resolve("not-a-dir");
    Files.writeString(file, "x");
    Path sessionsIsFile = Files.createDirectories(tmp.resolve("s2"));
    Files.writeString(sessionsIsFile.resolve("sessions"), "x");
    for (Path dir : List.of(file, file.resolve("state"), sessionsIsFile)) {
      StateStore s = JsonFileStateStore.open(dir, clock);
      assertFalse(s.enabled());
      assertTrue(
          s.disabledReason().startsWith("Cannot create state directory"), s.disabledReason());
      assertEquals(dir.toAbsolutePath().normalize(), s.stateDir());
      s.saveMeta(meta(ID, "running")); // all no-ops, never throw
      s.appendEvent(ID, event("progress", "x"));
      s.flush();
      assertEquals(List.of(), s.recover());
      assertEquals(0, s.prune(RetentionPolicy.DEFAULT));
      assertFalse(s.deleteSession(ID));
      s.close();
    }
  }

  @Test
  void aLeftoverLockFileOfAnOlderVersionIsIgnored() throws IOException {
    Files.writeString(tmp.resolve(".lock"), "{\"pid\":777,\"startedAt\":\"x\"}\n");
    assertTrue(open(tmp).enabled());
  }

  @Test
  void appendsAreCheap() throws IOException {
    JsonFileStateStore store = open(tmp);
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    ObjectNode ev = event("progress", "x".repeat(80));
    Path log = tmp.resolve("sessions").resolve(ID).resolve("events.jsonl");
    for (String round : List.of("cold", "warm")) {
      long before = Files.exists(log) ? Files.size(log) : 0;
      long writerCpu0 = mx.getThreadCpuTime(store.writerThread().getId());
      long cpu0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < 5000; i++) {
        store.appendEvent(ID, ev);
      }
      long appendNanos = System.nanoTime() - t0;
      long appendCpu = mx.getCurrentThreadCpuTime() - cpu0;
      store.flush();
      long totalNanos = System.nanoTime() - t0;
      long totalCpu = mx.getCurrentThreadCpuTime() - cpu0;
      long writerCpu = mx.getThreadCpuTime(store.writerThread().getId()) - writerCpu0;
      long bytes = Files.size(log) - before;
      System.err.printf(
          "[perf] %s: 5000 appendEvent took %.1f ms wall / %.1f ms CPU on the caller (%.2f us each); "
              + "with final flush %.1f ms wall / %.1f ms CPU; writer thread %.1f ms CPU; "
              + "%d bytes written (%d per line)%n",
          round,
          appendNanos / 1e6,
          appendCpu / 1e6,
          appendCpu / 5000e3,
          totalNanos / 1e6,
          totalCpu / 1e6,
          writerCpu / 1e6,
          bytes,
          bytes / 5000);
    }
    assertEquals(10000, Files.readAllLines(log).size());
  }

  @Test
  void writesAreIgnoredAfterClose() {
    JsonFileStateStore store = open(tmp);
    store.close();
    store.saveMeta(meta(ID, "idle"));
    store.appendEvent(ID, event("error", "x"));
    store.flush();
    store.close();
    assertFalse(Files.exists(tmp.resolve("sessions").resolve(ID)));
  }

  @Test
  void metaForAnotherIdIsStampedWithTheGivenId() throws IOException {
    JsonFileStateStore store = open(tmp);
    ObjectNode m = meta("sess_other", "idle").toJson();
    store.saveMeta(ID, m);
    store.flush();
    JsonNode n = readJson(tmp.resolve("sessions").resolve(ID).resolve("meta.json"));
    assertEquals(ID, n.get("sessionId").asText());
    assertEquals(1, n.get("schemaVersion").asInt());
    assertNotNull(n.get("cwd"));
    assertNull(n.get("cancelledAt"));
    assertEquals(StandardCharsets.UTF_8.name(), "UTF-8");
  }
}
