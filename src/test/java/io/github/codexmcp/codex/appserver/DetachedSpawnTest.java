package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.ProcessTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detached launch: a process of its own session that is not a child of the server. */
class DetachedSpawnTest {
  @TempDir Path dir;

  @BeforeAll
  static void posixWithSetsid() {
    assumeTrue(DetachedSpawn.ownSession(), "needs setsid");
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "reads /proc");
  }

  private ProcessSpec spec(Map<String, String> env) {
    return new ProcessSpec(List.of("unused"), dir, env, true);
  }

  @Test
  void theProcessIsNotOurChildAndLeadsASessionOfItsOwn() throws Exception {
    Path log = dir.resolve("app-server.log");
    // the program writes its pid, its session and its arguments, then waits for stdin to end
    List<String> program =
        List.of("sh", "-c", "echo $$ $(cut -d' ' -f6 /proc/$$/stat) \"$*\"; cat", "sh");
    ProcessHandle p =
        DetachedSpawn.background(
            DetachedSpawn.command(new ProcessSpec(program, dir, Map.of(), true), dir.resolve("s")),
            spec(Map.of()),
            log);
    assertFalse(
        ProcessHandle.current().children().anyMatch(c -> c.pid() == p.pid()),
        "a child would hold a JVM thread in waitpid for as long as it runs");
    p.onExit().get(10, TimeUnit.SECONDS);
    assertEquals(
        List.of(p.pid() + " " + p.pid() + " --listen unix://" + dir.resolve("s")),
        Files.readAllLines(log),
        "the pid printed is the program's, setsid made it a session leader, the argv reached it");
  }

  @Test
  void outputEnvironmentAndDirectoryAreTheSpecs() throws Exception {
    Path log = dir.resolve("app-server.log");
    Files.writeString(log, "earlier\n");
    ProcessHandle p =
        DetachedSpawn.background(
            List.of("sh", "-c", "echo \"$PROBE $NO_COLOR $(pwd)\"; echo to-stderr >&2; cat"),
            spec(Map.of("PROBE", "seen")),
            log);
    p.onExit().get(10, TimeUnit.SECONDS); // cat ends at once: stdin is the null device
    assertEquals(
        List.of("earlier", "seen 1 " + dir.toRealPath(), "to-stderr"),
        Files.readAllLines(log),
        "appended, stdout and stderr alike");
  }

  @Test
  void aProgramThatCannotStartEndsAtOnceAndSaysWhyInTheLog() throws Exception {
    Path log = dir.resolve("app-server.log");
    try {
      ProcessHandle p =
          DetachedSpawn.background(List.of(dir.resolve("missing").toString()), spec(Map.of()), log);
      p.onExit().get(10, TimeUnit.SECONDS);
      assertFalse(ProcessTree.isRunning(p));
    } catch (java.io.IOException e) {
      // gone before its pid was looked up: the error names the log
      assertEquals("app-server exited at once; see " + log, e.getMessage());
    }
    // either way the log says why
    assertTrue(Files.readString(log).contains("missing"), Files.readString(log));
  }
}
