package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.appserver.ListeningAppServerBackend;
import io.github.codexmcp.detached.DetachedPaths;
import io.github.codexmcp.detached.DetachedRecord;
import io.github.codexmcp.detached.KeeperLauncher;
import io.github.codexmcp.detached.KeeperMain;
import io.github.codexmcp.detached.ServerKeeper;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import io.github.codexmcp.testing.appserver.RecordingListener;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ScheduledTimer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A detached app-server with the real CLI: a turn started by one client finishes after that client
 * detached, a second client attaches to the same process (no new one) and receives the turn's end
 * after {@code thread/resume}, and once the client's process is gone (here: its sentinel's pipe
 * closed) the sentinel execs the keeper, which stops the process once nobody needs it for the TTL.
 */
@Timeout(240)
class DetachedAppServerIT {
  static final String SID = "sess_detached0001";
  private ScriptedModelServer model;
  private CodexTestHome home;
  private ScheduledTimer timer;
  private DetachedPaths paths;
  private Path state;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    timer = new ScheduledTimer();
    state = Files.createDirectories(home.root().resolve("state"));
    Path runtime = Files.createDirectories(home.root().resolve("run"));
    paths =
        DetachedPaths.forStateDir(state, Map.of("XDG_RUNTIME_DIR", runtime.toString()))
            .orElseThrow();
  }

  @AfterEach
  void tearDown() throws Exception {
    DetachedRecord.read(paths.record(SID))
        .flatMap(DetachedRecord::liveProcess)
        .ifPresent(ProcessHandle::destroyForcibly);
    timer.close();
    home.close();
    model.close();
  }

  private ListeningAppServerBackend backend(Long knownPid) {
    ProcessSpec spec =
        new ProcessSpec(
            List.of(CodexCli.get().nativeBinary().toString(), "app-server"),
            home.workDir(),
            home.env(),
            true);
    return new ListeningAppServerBackend(
        SID, () -> spec, paths.socket(SID), paths.log(SID), knownPid, timer);
  }

  @Test
  void aTurnOutlivesItsClientAndTheKeeperEndsTheProcessAfterTheTtl() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    model.enqueue(ScriptedReply.gated(gate, ScriptedReply.text("done while detached")));
    ListeningAppServerBackend first = backend(null);
    first.start().get(30, TimeUnit.SECONDS);
    assertFalse(first.attached());
    long pid = first.childPid();
    DetachedRecord.of(SID, ProcessHandle.of(pid).orElseThrow()).write(paths.record(SID));
    String threadId =
        first
            .threadStart(Json.object().put("cwd", home.workDir().toString()))
            .get(30, TimeUnit.SECONDS)
            .path("thread")
            .path("id")
            .asText();
    Path sessionDir = Files.createDirectories(state.resolve("sessions").resolve(SID));
    Files.writeString(
        sessionDir.resolve("meta.json"), Json.object().put("threadId", threadId).toString());
    ObjectNode turn = Json.object().put("threadId", threadId);
    turn.putArray("input").addObject().put("type", "text").put("text", "keep going");
    first.turnStart(turn).get(30, TimeUnit.SECONDS);
    model.awaitRequestCount(1, Duration.ofSeconds(20));
    first.detach();
    // this test's JVM plays the server: its sentinel waits while it lives, then execs the keeper
    ServerKeeper.Sentinel sentinel =
        KeeperLauncher.startSentinel(paths, Duration.ofMillis(3000)).orElseThrow();
    long sentinelPid = sentinel.pid();
    assertTrue(sentinel.alive());
    assertFalse(KeeperLauncher.keeperRunning(paths), "no keeper process while its server lives");
    sentinel.end();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!KeeperLauncher.keeperRunning(paths) && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertTrue(KeeperLauncher.keeperRunning(paths), "the sentinel started the keeper");
    assertTrue(
        ProcessHandle.of(sentinelPid)
            .flatMap(p -> p.info().commandLine())
            .orElse("")
            .contains(KeeperMain.class.getName()),
        "the keeper runs in the sentinel's process (exec)");

    ListeningAppServerBackend second = backend(pid);
    RecordingListener events = new RecordingListener();
    second.setListener(events);
    second.start().get(30, TimeUnit.SECONDS);
    assertTrue(second.attached(), "attached to the running app-server");
    assertEquals(pid, second.childPid(), "no second Codex process");
    JsonNode resumed =
        second.threadResume(Json.object().put("threadId", threadId)).get(30, TimeUnit.SECONDS);
    JsonNode turns = resumed.path("thread").path("turns");
    assertEquals(
        "inProgress", turns.get(turns.size() - 1).path("status").asText(), resumed.toString());
    gate.complete(null);
    events.await(e -> "turn/completed".equals(e.method()), 1);
    JsonNode read = second.threadRead(threadId, true).get(30, TimeUnit.SECONDS);
    assertTrue(read.toString().contains("done while detached"), read.toString());
    second.detach();

    // TTL 3 s, a pass every 750 ms and a 3 s stop grace: gone within 8 s on a quiet machine; the
    // margin is for a loaded one, where the keeper's small JVM starts and runs slowly
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "the keeper did not stop the app-server: " + Files.readString(paths.keeperLog()));
    // the keeper removes the files right after the process has exited
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while ((Files.exists(paths.record(SID)) || Files.exists(paths.socket(SID)))
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(Files.exists(paths.record(SID)));
    assertFalse(Files.exists(paths.socket(SID)));
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (KeeperLauncher.keeperRunning(paths) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(KeeperLauncher.keeperRunning(paths), "the keeper exits once nothing is left");
    assertNotNull(read);
  }
}
