package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real sentinel ({@code sh}) with a harmless command in place of the keeper JVM: it waits while
 * its server (this JVM) holds the pipe, and at end of file execs the command in its own process
 * when a record is left, or exits without it.
 */
class KeeperSentinelTest {
  @TempDir Path dir;
  ServerKeeper.Sentinel sentinel;

  @AfterEach
  void end() throws Exception {
    if (sentinel != null) {
      sentinel.end();
      ProcessHandle.of(sentinel.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * A command that writes its own pid (so an exec shows as the sentinel's pid) and its session id
   * to {@code out}.
   */
  static List<String> writesItsPid(Path out) {
    return List.of(
        "/bin/sh",
        "-c",
        "echo \"$$ $(cut -d' ' -f6 /proc/$$/stat 2>/dev/null)\" > \"$1\"; echo keeper ran",
        "keeper",
        out.toString());
  }

  ServerKeeper.Sentinel start(DetachedPaths paths, Path out) {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "a POSIX sh");
    sentinel = KeeperLauncher.startSentinel(paths, writesItsPid(out)).orElseThrow();
    return sentinel;
  }

  static void awaitExit(ServerKeeper.Sentinel s) throws Exception {
    ProcessHandle.of(s.pid())
        .ifPresent(
            p -> {
              try {
                p.onExit().get(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new AssertionError("the sentinel did not end: " + e);
              }
            });
    assertFalse(s.alive());
  }

  @Test
  void withARecordLeftItExecsTheKeeperInItsOwnProcessOnceItsServerIsGone() throws Exception {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    DetachedRecord.of("sess_left", ProcessHandle.current()).write(paths.record("sess_left"));
    Path out = dir.resolve("ran");
    ServerKeeper.Sentinel s = start(paths, out);
    assertTrue(s.alive(), "it waits while its server lives");
    assertFalse(Files.exists(out));
    s.end();
    awaitExit(s);
    String[] ran = Files.readString(out).trim().split(" ");
    assertEquals(Long.toString(s.pid()), ran[0], "exec, not a child");
    String log = Files.readString(paths.keeperLog());
    assertTrue(log.contains("keeper ran"), "its output goes to keeper.log: " + log);
  }

  @Test
  void withNoRecordLeftItExitsWithoutTheKeeper() throws Exception {
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    Files.writeString(dir.resolve("keeper.lock"), "");
    Files.writeString(dir.resolve("sess_x.sock"), "");
    Path out = dir.resolve("ran");
    ServerKeeper.Sentinel s = start(paths, out);
    s.end();
    awaitExit(s);
    assertFalse(Files.exists(out), "no keeper without a record");
  }

  @Test
  void itRunsInASessionOfItsOwnSoTheServersSignalsDoNotReachIt() throws Exception {
    assumeTrue(
        List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").stream()
            .anyMatch(d -> Files.isExecutable(Path.of(d, "setsid"))),
        "setsid");
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "procfs");
    DetachedPaths paths = new DetachedPaths(dir, dir.resolve("state"));
    DetachedRecord.of("sess_left", ProcessHandle.current()).write(paths.record("sess_left"));
    Path out = dir.resolve("ran");
    ServerKeeper.Sentinel s = start(paths, out);
    s.end();
    awaitExit(s);
    String[] ran = Files.readString(out).trim().split(" ");
    assertEquals(2, ran.length, "pid and session: " + String.join(" ", ran));
    assertEquals(ran[0], ran[1], "it leads a session of its own");
    assertNotEquals(Long.toString(session(ProcessHandle.current().pid())), ran[1]);
  }

  @Test
  void theKeepersLogShowsItsLifeCycleUnlessTheLevelIsSet() {
    assertEquals("info", KeeperLauncher.keeperLogLevel(Map.of()));
    assertEquals("info", KeeperLauncher.keeperLogLevel(Map.of("CODEX_MCP_LOG_LEVEL", " ")));
    assertEquals("debug", KeeperLauncher.keeperLogLevel(Map.of("CODEX_MCP_LOG_LEVEL", " DEBUG")));
    List<String> argv =
        KeeperLauncher.keeperCommand(
                new DetachedPaths(dir, dir.resolve("state")), java.time.Duration.ofSeconds(3))
            .orElseThrow();
    assertTrue(
        argv.stream().anyMatch(a -> a.startsWith("-Dorg.slf4j.simpleLogger.defaultLogLevel=")),
        argv.toString());
    int option = argv.indexOf("-Dorg.slf4j.simpleLogger.showDateTime=true");
    assertTrue(
        option >= 0 && argv.indexOf(KeeperMain.class.getName()) > option,
        "JVM options come before the main class: " + argv);
  }

  /** The session id of {@code pid} (field 6 of {@code /proc/<pid>/stat}). */
  static long session(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[3]);
  }
}
