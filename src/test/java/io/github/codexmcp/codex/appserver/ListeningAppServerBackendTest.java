package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.util.ScheduledTimer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting a detached app-server without blocking the caller (real processes, no Codex). */
class ListeningAppServerBackendTest {
  @TempDir Path dir;

  /**
   * Regression: {@code start()} launched the app-server and waited for its socket (up to 20 s) on
   * the calling thread, a work-pool thread that also runs the sessions' inboxes.
   */
  @Test
  void startReturnsAtOnceAndTheLaunchWaitsOnAStartThread() throws Exception {
    // a process that never listens: the extra arguments (--listen ...) go to the script, unused
    ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", "sleep 30", "sh"), dir, Map.of(), true);
    CompletableFuture<String> launchedOn = new CompletableFuture<>();
    try (ScheduledTimer timer = new ScheduledTimer()) {
      ListeningAppServerBackend b =
          new ListeningAppServerBackend(
              "sess_start0001",
              () -> spec,
              dir.resolve("s.sock"),
              dir.resolve("s.log"),
              null,
              timer,
              p -> launchedOn.complete(Thread.currentThread().getName()));
      CompletableFuture<JsonNode> started = b.start();
      assertFalse(started.isDone(), "start() returned before the app-server listened");
      String thread = launchedOn.get(10, TimeUnit.SECONDS);
      assertTrue(thread.startsWith("codex-mcp-start-"), thread);
      b.destroy().get(10, TimeUnit.SECONDS);
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> started.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("destroyed"), e.getCause().toString());
    }
  }
}
