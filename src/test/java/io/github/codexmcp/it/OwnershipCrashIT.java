package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.state.JsonFileStateStore;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.testing.StateWriterMain;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.SystemClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test of session ownership: two processes write one state directory, taking over each
 * other's sessions, and are killed ({@code kill -9}) at random moments, several rounds; then a
 * third recovers every session whose writes had completed, and no file is corrupt.
 */
@Timeout(180)
class OwnershipCrashIT {
  @TempDir Path state;

  private Process writer(String prefix, String other, Set<String> done) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-cp",
            System.getProperty("java.class.path"),
            StateWriterMain.class.getName(),
            state.toString(),
            prefix,
            other);
    pb.redirectError(state.resolve("writer-" + prefix + ".err").toFile());
    Process p = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("done ")) {
                    done.add(line.substring(5));
                  }
                }
              } catch (Exception e) {
                // the writer was killed
              }
            });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  @Test
  void writersKilledAtRandomMomentsLeaveEverySessionRecoverable() throws Exception {
    Random random = new Random(42);
    Set<String> done = ConcurrentHashMap.newKeySet();
    for (int round = 0; round < 5; round++) {
      Process a = writer("a" + round, "b" + round, done);
      Process b = writer("b" + round, "a" + round, done);
      String pa = "sess_a" + round + "-";
      String pb = "sess_b" + round + "-";
      // each writer has finished a few sessions before the kill, however slowly its JVM started
      assertTrue(
          Procs.await(
              () ->
                  done.stream().filter(d -> d.startsWith(pa)).count() >= 3
                      && done.stream().filter(d -> d.startsWith(pb)).count() >= 3,
              Duration.ofSeconds(60)),
          "round " + round + ": the writers finished too few sessions: " + done);
      Thread.sleep(100 + random.nextInt(600)); // kill in the middle of writes
      a.destroyForcibly();
      Thread.sleep(random.nextInt(200));
      b.destroyForcibly();
      a.waitFor();
      b.waitFor();
    }
    assertTrue(
        done.size() > 20,
        "the writers made too little progress: "
            + done.size()
            + " "
            + Files.readString(state.resolve("writer-a0.err")));

    StateStore third = JsonFileStateStore.open(state, SystemClock.INSTANCE);
    try {
      Map<String, RecoveredSession> recovered =
          third.recover().stream().collect(Collectors.toMap(RecoveredSession::sessionId, r -> r));
      for (String id : done) {
        RecoveredSession r = recovered.get(id);
        assertTrue(r != null, "completed session " + id + " not recovered");
        assertEquals("idle", r.meta().status(), id);
        assertEquals("result of " + id, r.result().path("text").asText(), id);
        assertTrue(r.lastSeq() >= 19, id + " lost events: " + r.lastSeq());
      }
      try (Stream<Path> files = Files.walk(state.resolve("sessions"))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".json")) {
            Json.MAPPER.readTree(Files.readAllBytes(f)); // throws when corrupt
          } else if (name.equals("events.jsonl")) {
            List<String> lines = Files.readAllLines(f);
            long prev = -1;
            for (String line : lines) {
              JsonNode n = Json.MAPPER.readTree(line);
              assertTrue(n.path("seq").asLong() > prev, f + ": seq out of order: " + lines);
              prev = n.path("seq").asLong();
            }
          }
        }
      }
    } finally {
      third.close();
    }
  }
}
