package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetachedKeeperTest {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock(Instant.parse("2026-02-15T10:00:00Z"));
  final Set<String> driven = new HashSet<>();
  final Set<String> running = new HashSet<>();
  final List<Long> stopped = new ArrayList<>();
  final List<String> forgotten = new ArrayList<>();
  final Set<String> claimedByAServer = new HashSet<>();
  final Set<String> holding = new HashSet<>();
  final Set<String> drivenHere = new HashSet<>();
  final List<String> looked = new ArrayList<>();
  final java.util.Map<String, Object> marks = new java.util.HashMap<>();
  final java.util.Map<String, Object> releasedAtRest = new java.util.HashMap<>();
  Runnable onStop;
  Runnable onRelease;

  DetachedKeeper keeper(DetachedPaths paths) {
    return keeper(paths, Duration.ofSeconds(30));
  }

  DetachedKeeper keeper(DetachedPaths paths, Duration ttl) {
    return new DetachedKeeper(
        paths,
        ttl,
        clock,
        new DetachedKeeper.Probe() {
          @Override
          public boolean drivenHere(String sessionId) {
            return drivenHere.contains(sessionId);
          }

          @Override
          public Object restMark(String sessionId) {
            return marks.get(sessionId);
          }

          @Override
          public Object releasedAtRest(String sessionId) {
            return releasedAtRest.remove(sessionId);
          }

          @Override
          public boolean driven(String sessionId) {
            looked.add("driven " + sessionId);
            return driven.contains(sessionId) || drivenHere.contains(sessionId);
          }

          @Override
          public boolean turnRunning(String sessionId) {
            looked.add("turnRunning " + sessionId);
            return running.contains(sessionId);
          }

          @Override
          public void forget(String sessionId) {
            forgotten.add(sessionId);
          }

          @Override
          public DetachedKeeper.Hold hold(String sessionId) {
            looked.add("hold " + sessionId);
            if (claimedByAServer.contains(sessionId) || drivenHere.contains(sessionId)) {
              return null;
            }
            holding.add(sessionId);
            return () -> {
              holding.remove(sessionId);
              if (onRelease != null) {
                onRelease.run();
              }
            };
          }
        },
        p -> {
          assertTrue(holding.size() == 1, "stopped with the session's lock held");
          stopped.add(p.pid());
          if (onStop != null) {
            onStop.run();
          }
        });
  }

  /** A record naming this test's own JVM: a live process the fake stopper never signals. */
  void liveRecord(DetachedPaths paths, String id) throws IOException {
    DetachedRecord.of(id, ProcessHandle.current()).write(paths.record(id));
    Files.writeString(paths.socket(id), "");
    Files.writeString(paths.log(id), "log");
  }

  @Test
  void keepsAnAppServerWhileDrivenOrRunningThenForTheTtl() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    DetachedKeeper k = keeper(paths);
    running.add("sess_a");
    assertEquals(1, k.tick());
    clock.advance(Duration.ofMinutes(5));
    assertEquals(1, k.tick(), "a running turn keeps it however long it takes");
    running.remove("sess_a");
    driven.add("sess_a");
    clock.advance(Duration.ofMinutes(5));
    assertEquals(1, k.tick(), "a server drives it");
    driven.remove("sess_a");
    clock.advance(Duration.ofSeconds(29));
    assertEquals(1, k.tick(), "within the TTL after it was last needed");
    assertTrue(stopped.isEmpty());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, k.tick());
    assertEquals(List.of(ProcessHandle.current().pid()), stopped);
    assertFalse(Files.exists(paths.record("sess_a")));
    assertFalse(Files.exists(paths.socket("sess_a")));
    assertFalse(Files.exists(paths.log("sess_a")));
    assertTrue(forgotten.contains("sess_a"));
  }

  @Test
  void aSessionThisServerDrivesIsKeptWithoutLookingAtItsRecordOrAskingAnything()
      throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_here");
    liveRecord(paths, "sess_other");
    // a record naming no live process: the full look would try (and fail) to remove it
    new DetachedRecord("sess_gone", Long.MAX_VALUE - 1, null).write(paths.record("sess_gone"));
    drivenHere.add("sess_here");
    drivenHere.add("sess_gone");
    DetachedKeeper k = keeper(paths);
    assertEquals(3, k.tick());
    assertEquals(List.of("driven sess_other", "turnRunning sess_other"), looked);
    drivenHere.clear();
    clock.advance(Duration.ofSeconds(29));
    looked.clear();
    assertEquals(2, k.tick(), "still within the TTL counted from the last pass that drove it");
    assertTrue(stopped.isEmpty());
    assertFalse(Files.exists(paths.record("sess_gone")), "no longer driven: its files go at once");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, k.tick());
    assertEquals(2, stopped.size());
  }

  /** The seconds (from 0, one tick a second) at which the keeper asked whether a turn runs. */
  List<Integer> ticksAsking(DetachedKeeper k, String id, int from, int to) {
    List<Integer> asked = new ArrayList<>();
    for (int second = from; second <= to; second++) {
      looked.clear();
      k.tick();
      if (looked.contains("turnRunning " + id)) {
        asked.add(second);
      }
      clock.advance(Duration.ofSeconds(1));
    }
    return asked;
  }

  @Test
  void aSessionAtRestIsAskedLessAndLessOftenAndEveryPassOnceATurnRuns() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    DetachedKeeper k = keeper(paths); // TTL 30 s: pauses of 1, 2, 4, 4 ... s
    assertEquals(List.of(0, 1, 3, 7, 11), ticksAsking(k, "sess_a", 0, 12));
    running.add("sess_a"); // left running by a server that took the session and died meanwhile
    assertEquals(List.of(15, 16, 17), ticksAsking(k, "sess_a", 13, 17));
    running.remove("sess_a");
    driven.add("sess_a"); // a server drives it: nothing to ask
    assertEquals(List.of(), ticksAsking(k, "sess_a", 18, 19));
    driven.remove("sess_a"); // released: asked on the next pass, then less often again
    assertEquals(List.of(20, 21, 23), ticksAsking(k, "sess_a", 20, 24));
    assertTrue(stopped.isEmpty());
  }

  /** A keeper (TTL 30 s) of a state directory holding one live record, {@code id}'s. */
  DetachedKeeper keeperOfALiveRecord(String id) throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, id);
    return keeper(paths);
  }

  /** This server hands {@code id} back at rest; its meta.json stays as it left it. */
  void handBack(String id, String metaMark) {
    releasedAtRest.put(id, metaMark);
    marks.put(id, metaMark);
  }

  @Test
  void aSessionThisServerHandedBackAtRestIsNotAskedWhileItsStateStaysAsLeft() throws IOException {
    DetachedKeeper k = keeperOfALiveRecord("sess_a"); // TTL 30 s: pauses up to 4 s, trust 15 s
    drivenHere.add("sess_a");
    assertEquals(List.of(), ticksAsking(k, "sess_a", 0, 1));
    drivenHere.remove("sess_a"); // handed back at rest, meta.json as it left it
    handBack("sess_a", "meta written at 09:01");
    assertEquals(
        List.of(18),
        ticksAsking(k, "sess_a", 2, 18),
        "the hand-back is the answer: asked once it is half a TTL old");
    assertTrue(releasedAtRest.isEmpty(), "taken once");
    marks.put("sess_a", "meta written at 09:19"); // a server took it, ran a turn, left it
    assertEquals(List.of(22), ticksAsking(k, "sess_a", 19, 23), "looked at after the pause");
    assertTrue(stopped.isEmpty());
  }

  @Test
  void aHandBackWrittenOverSinceIsNoAnswer() throws IOException {
    DetachedKeeper k = keeperOfALiveRecord("sess_a");
    handBack("sess_a", "meta written at 09:00");
    assertEquals(List.of(), ticksAsking(k, "sess_a", 0, 3));
    marks.put("sess_a", "meta written at 09:03"); // another server started a turn and died
    running.add("sess_a");
    assertEquals(List.of(4, 5, 6), ticksAsking(k, "sess_a", 4, 6), "asked once the pause ended");
    assertTrue(stopped.isEmpty());
  }

  @Test
  void aHandBackFoundDrivenElsewhereIsDropped() throws IOException {
    DetachedKeeper k = keeperOfALiveRecord("sess_a");
    releasedAtRest.put("sess_a", "meta written at 09:00");
    driven.add("sess_a"); // another server claimed it before the keeper looked
    assertEquals(List.of(), ticksAsking(k, "sess_a", 0, 0));
    assertTrue(releasedAtRest.isEmpty(), "the stale hand-back is dropped");
    driven.remove("sess_a");
    marks.put("sess_a", "meta written at 09:00");
    assertEquals(List.of(1), ticksAsking(k, "sess_a", 1, 1), "released by the other: asked");
  }

  @Test
  void anAppServerAtRestIsAskedAgainOnlyOnceTheSessionsStateWasWritten() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    marks.put("sess_a", "meta written at 09:00");
    DetachedKeeper k = keeper(paths);
    assertEquals(List.of(0), ticksAsking(k, "sess_a", 0, 12), "unchanged since its answer");
    marks.put("sess_a", "meta written at 09:13"); // a server took the session meanwhile
    running.add("sess_a");
    assertEquals(List.of(15, 16), ticksAsking(k, "sess_a", 13, 16));
    running.remove("sess_a");
    marks.put("sess_a", "meta written at 09:17");
    assertEquals(
        List.of(17, 32),
        ticksAsking(k, "sess_a", 17, 45),
        "at rest, then asked only when its last answer is half a TTL old");
    assertTrue(stopped.isEmpty());
    assertEquals(List.of(46), ticksAsking(k, "sess_a", 46, 46), "asked afresh before the TTL stop");
    assertEquals(List.of(ProcessHandle.current().pid()), stopped);
  }

  /**
   * Regression: a look whose pause ended on the TTL tick counted the unchanged mark as an answer
   * and stopped the app-server without asking it.
   */
  @Test
  void anUnchangedMarkIsNeverTheAnswerThatStopsAnAppServer() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    marks.put("sess_a", "meta written at 09:00");
    DetachedKeeper k = keeper(paths, Duration.ofSeconds(31)); // pauses end at 1, 3, 7 ... 27, 31
    assertEquals(List.of(0, 19), ticksAsking(k, "sess_a", 0, 30));
    running.add("sess_a"); // started by a server killed before it wrote anything
    assertEquals(List.of(31), ticksAsking(k, "sess_a", 31, 31), "asked before the TTL stop");
    assertTrue(stopped.isEmpty(), "a running turn's app-server is kept");
  }

  @Test
  void aRecordRewrittenToNameAnotherProcessIsReadAgain() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    DetachedKeeper k = keeper(paths);
    assertEquals(1, k.tick());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, k.tick(), "read once, kept");
    new DetachedRecord("sess_a", Long.MAX_VALUE - 1, null).write(paths.record("sess_a"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, k.tick(), "at rest, within the pause: not looked at");
    assertTrue(Files.exists(paths.record("sess_a")));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(0, k.tick(), "the new record names no live process: its files go");
    assertFalse(Files.exists(paths.record("sess_a")));
    assertTrue(stopped.isEmpty());
  }

  @Test
  void anAppServerIsAskedAfreshBeforeItIsStoppedForTheTtl() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    DetachedKeeper k = keeper(paths);
    assertEquals(List.of(0, 1, 3, 7, 11, 15, 19, 23, 27), ticksAsking(k, "sess_a", 0, 29));
    running.add("sess_a"); // the last answer, at 27 s, was old: a turn started since
    assertEquals(List.of(30), ticksAsking(k, "sess_a", 30, 30));
    assertTrue(stopped.isEmpty(), "not stopped on the answer of 27 s");
    running.remove("sess_a");
    ticksAsking(k, "sess_a", 31, 59);
    assertTrue(stopped.isEmpty(), "within the TTL of the turn seen at 30 s");
    assertEquals(List.of(60), ticksAsking(k, "sess_a", 60, 60));
    assertEquals(List.of(ProcessHandle.current().pid()), stopped);
  }

  @Test
  void anAppServerWhoseSessionAServerClaimsMeanwhileIsNeitherStoppedNorRemoved()
      throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    DetachedKeeper k = keeper(paths);
    assertEquals(1, k.tick());
    clock.advance(Duration.ofSeconds(30));
    claimedByAServer.add("sess_a"); // after driven() said no, before the stop
    assertEquals(1, k.tick());
    assertTrue(stopped.isEmpty(), "the server's app-server is not killed");
    assertTrue(Files.exists(paths.record("sess_a")));
    assertTrue(Files.exists(paths.socket("sess_a")));
    claimedByAServer.remove("sess_a");
    clock.advance(Duration.ofSeconds(29));
    assertEquals(1, k.tick(), "the claim counted as a use: a new TTL");
    assertTrue(stopped.isEmpty());
  }

  @Test
  void aRecordRewrittenForANewAppServerWhileStoppingTheOldOneIsKept() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    liveRecord(paths, "sess_a");
    DetachedKeeper k = keeper(paths);
    assertEquals(1, k.tick());
    clock.advance(Duration.ofSeconds(30));
    DetachedRecord newer = new DetachedRecord("sess_a", 4_000_000L, Instant.now());
    onStop =
        () -> {
          try {
            newer.write(paths.record("sess_a"));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    k.tick();
    assertEquals(List.of(ProcessHandle.current().pid()), stopped);
    assertEquals(newer, DetachedRecord.read(paths.record("sess_a")).orElseThrow());
    assertTrue(Files.exists(paths.socket("sess_a")), "the new app-server's socket is kept");
  }

  @Test
  void theFilesOfAGoneAppServerStayWhileAServerHoldsTheSession() throws Exception {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    new DetachedRecord("sess_b", p.pid(), Instant.now()).write(paths.record("sess_b"));
    Files.writeString(paths.socket("sess_b"), "");
    claimedByAServer.add("sess_b"); // it may be launching the next one right now
    assertEquals(1, keeper(paths).tick());
    assertTrue(Files.exists(paths.record("sess_b")));
    assertTrue(Files.exists(paths.socket("sess_b")));
  }

  @Test
  void aRecordWhoseProcessIsGoneIsCleanedUpWithoutSignals() throws Exception {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    new DetachedRecord("sess_b", p.pid(), Instant.now()).write(paths.record("sess_b"));
    Files.writeString(paths.socket("sess_b"), "");
    assertEquals(0, keeper(paths).tick());
    assertTrue(stopped.isEmpty());
    assertFalse(Files.exists(paths.record("sess_b")));
    assertFalse(Files.exists(paths.socket("sess_b")));
  }

  @Test
  void aReusedPidIsNotTheRecordedProcess() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    new DetachedRecord(
            "sess_c", ProcessHandle.current().pid(), Instant.parse("2001-01-01T00:00:00Z"))
        .write(paths.record("sess_c"));
    assertEquals(0, keeper(paths).tick());
    assertTrue(stopped.isEmpty());
  }

  @Test
  void unreadableRecordsAreLeftAlone() throws IOException {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    Files.writeString(paths.record("sess_d"), "{\"sessionId\":");
    assertEquals(0, keeper(paths).tick());
    assertTrue(Files.exists(paths.record("sess_d")));
  }

  @Test
  void pathsAreShortPrivateAndPerStateDirectory() throws IOException {
    Path state =
        Files.createDirectories(dir.resolve("a/very/long/state/directory/name/that/goes/on"));
    DetachedPaths p =
        DetachedPaths.forStateDir(state, java.util.Map.of("XDG_RUNTIME_DIR", dir.toString()))
            .orElseThrow();
    assertEquals(dir.resolve("codex-mcp"), p.dir().getParent());
    assertTrue(p.socket("sess_0123456789ab").toString().length() < dir.toString().length() + 50);
    assertEquals(
        "rwx------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p.dir())));
    Path other = Files.createDirectories(dir.resolve("other"));
    assertFalse(
        p.dir()
            .equals(
                DetachedPaths.forStateDir(
                        other, java.util.Map.of("XDG_RUNTIME_DIR", dir.toString()))
                    .orElseThrow()
                    .dir()));
  }
}
