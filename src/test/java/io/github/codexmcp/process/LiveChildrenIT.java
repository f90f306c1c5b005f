package io.github.codexmcp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.codexmcp.util.ScheduledTimer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The shutdown hook's body kills registered children and their descendants. */
@Timeout(30)
@DisabledOnOs(OS.WINDOWS)
class LiveChildrenIT {
  @Test
  void killAllStopsChildrenAndTheirDescendants() throws Exception {
    try (ScheduledTimer timer = new ScheduledTimer()) {
      ChildProcess c =
          new SystemProcessLauncher(timer)
              .start(
                  new ProcessSpec(
                      List.of(
                          "sh", "-c", "trap '' TERM; setsid sleep 300 & echo $!; exec sleep 300"),
                      null,
                      Map.of(),
                      false));
      long descendant =
          Long.parseLong(
              new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8))
                  .readLine()
                  .trim());
      LiveChildren.killAll();
      assertEquals(137, c.onExit().get(10, TimeUnit.SECONDS), "SIGTERM ignored, then killed");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ProcessHandle.of(descendant).map(ProcessTree::isRunning).orElse(false)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(ProcessHandle.of(descendant).map(ProcessTree::isRunning).orElse(false));
    }
  }
}
