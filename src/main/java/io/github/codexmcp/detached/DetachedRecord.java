package io.github.codexmcp.detached;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What the keeper needs to know about one detached app-server: whose session it serves, which
 * process it is ({@code pid} plus the OS start time, so a reused pid is never signalled) and how
 * long the session's approvals wait for an answer ({@code approvalTimeoutMs}, null: the default).
 * Written atomically (temp file, then move) by the server that launched it; removed when it is
 * stopped.
 */
public record DetachedRecord(
    String sessionId, long pid, Instant processStartedAt, Long approvalTimeoutMs) {

  /** A record with the default approval timeout. */
  public DetachedRecord(String sessionId, long pid, Instant processStartedAt) {
    this(sessionId, pid, processStartedAt, null);
  }

  /** The record of {@code process}, serving {@code sessionId}. */
  public static DetachedRecord of(String sessionId, ProcessHandle process) {
    return of(sessionId, process, null);
  }

  /** The record of {@code process}, serving {@code sessionId} with that approval timeout. */
  public static DetachedRecord of(String sessionId, ProcessHandle process, Long approvalTimeoutMs) {
    return new DetachedRecord(
        sessionId, process.pid(), process.info().startInstant().orElse(null), approvalTimeoutMs);
  }

  public void write(Path file) throws IOException {
    ObjectNode n = Json.object();
    n.put("sessionId", sessionId);
    n.put("pid", pid);
    if (processStartedAt != null) {
      n.put("processStartedAt", processStartedAt.toString());
    }
    if (approvalTimeoutMs != null) {
      n.put("approvalTimeoutMs", approvalTimeoutMs);
    }
    Path tmp = file.resolveSibling(".tmp-" + UUID.randomUUID());
    Files.write(tmp, Json.bytes(n));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The record in {@code file}, or empty when missing or unreadable. */
  public static Optional<DetachedRecord> read(Path file) {
    try {
      JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
      String id = Json.text(n, "sessionId");
      if (id == null || !n.path("pid").isIntegralNumber()) {
        return Optional.empty();
      }
      String started = Json.text(n, "processStartedAt");
      JsonNode timeout = n.path("approvalTimeoutMs");
      return Optional.of(
          new DetachedRecord(
              id,
              n.path("pid").asLong(),
              started == null ? null : Instant.parse(started),
              timeout.isIntegralNumber() ? timeout.asLong() : null));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The live process this record names, if it still runs (same pid and same start time). */
  public Optional<ProcessHandle> liveProcess() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                processStartedAt == null
                    || p.info()
                        .startInstant()
                        .map(
                            s ->
                                Math.abs(s.toEpochMilli() - processStartedAt.toEpochMilli())
                                    < 5_000)
                        .orElse(true));
  }
}
