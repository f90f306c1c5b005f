package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DocumentsTest {
  @Test
  void metaOmitsAbsentFieldsAndToleratesUnknownOnes() {
    PersistedMeta m =
        new PersistedMeta(
            "sess_a", "idle", "c", "l", null, null, null, null, null, null, null, null);
    assertEquals(
        "{\"schemaVersion\":1,\"sessionId\":\"sess_a\",\"status\":\"idle\",\"createdAt\":\"c\",\"lastActiveAt\":\"l\"}",
        Json.write(m.toJson()));
    var n = m.toJson().put("future", true).put("model", 5);
    assertEquals(m, PersistedMeta.fromJson(n), "unknown field ignored, mistyped field absent");
    assertNull(PersistedMeta.fromJson(Json.object().put("sessionId", "../x")));
    assertEquals(
        "unknown", PersistedMeta.fromJson(Json.object().put("sessionId", "sess_b")).status());
    assertThrows(IllegalArgumentException.class, () -> m.withStatus(null, null));
  }

  @Test
  void pidRecordRoundTripsAndRejectsNonsense() {
    PidRecord p =
        new PidRecord(
            42, "2026-02-15T10:00:00.000Z", null, "2026-02-15T10:00:00.010Z", "/bin/codex");
    assertEquals(p, PidRecord.fromJson(p.toJson()));
    assertEquals(Instant.parse("2026-02-15T10:00:00.010Z"), p.processStartInstant());
    assertNull(PidRecord.fromJson(Json.object().put("pid", -1)));
    assertNull(PidRecord.fromJson(Json.object().put("pid", 1.5)));
    assertNull(PidRecord.fromJson(Json.array()));
    assertNull(new PidRecord(1, "nope", null, null, null).spawnedInstant());
  }

  @Test
  void sessionIdsAreStrict() {
    assertTrue(SessionIds.isValid("sess_1a2b3c4d-5e6"));
    for (String bad :
        new String[] {
          null, "", "sess_", "../sess_a", "sess_a/..", "sess_.", "SESS_a", "sess_a\n"
        }) {
      assertFalse(SessionIds.isValid(bad), String.valueOf(bad));
    }
    Path base = Path.of("/state/sessions");
    assertEquals(base.resolve("sess_a"), SessionIds.resolve(base, "sess_a"));
    assertNull(SessionIds.resolve(base, "sess_a/../../x"));
  }

  @Test
  void stateDirHonoursTheVariableAndDefaultsWhenBlank() {
    Path home = Path.of("/home/u");
    assertEquals(Path.of("/home/u/.codex-mcp/state"), StateDir.resolve(null, home));
    assertEquals(Path.of("/home/u/.codex-mcp/state"), StateDir.resolve("   ", home));
    assertEquals(Path.of("/srv/state"), StateDir.resolve("  /srv/state ", home));
  }

  @Test
  void restartRule() {
    assertEquals("error", RecoveredSession.statusAfterRestart("running"));
    assertEquals("error", RecoveredSession.statusAfterRestart("waiting_approval"));
    assertEquals("idle", RecoveredSession.statusAfterRestart("idle"));
    assertEquals("error", RecoveredSession.statusAfterRestart("error"));
    assertEquals("cancelled", RecoveredSession.statusAfterRestart("cancelled"));
    assertEquals("error", RecoveredSession.statusAfterRestart("paused"));
    PersistedMeta cancelled =
        new PersistedMeta(
            "sess_a",
            "cancelled",
            null,
            null,
            "t",
            "Idle timeout",
            null,
            null,
            null,
            null,
            null,
            null);
    assertEquals(cancelled, RecoveredSession.applyRestartRule(cancelled));
  }
}
