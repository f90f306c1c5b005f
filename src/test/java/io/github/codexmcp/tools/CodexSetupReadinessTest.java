package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.appserver.AccountProbe;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.CommandRunner;
import io.github.codexmcp.testing.OutputSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** codex_setup decides readiness from what Codex says it needs, and reports persistence. */
class CodexSetupReadinessTest {
  @TempDir Path tmp;

  private ObjectNode report(
      CodexSetupTool.AccountReader accounts, CodexSetupTool.PersistenceState persistence)
      throws Exception {
    Path exe = tmp.resolve("codex");
    Files.writeString(exe, "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    ServerConfig config =
        new ServerConfig(
            Map.of("CODEX_MCP_PATH", exe.toString(), "CODEX_MCP_MODE", "app-server"),
            tmp,
            tmp,
            "linux",
            tmp.resolve("state"),
            false,
            true);
    CommandRunner runner =
        (argv, env, timeout) ->
            argv.contains("--version")
                ? new CommandRunner.Result(0, "codex-cli 0.169.0", "", false, null)
                : new CommandRunner.Result(1, "Not logged in", "", false, null);
    ObjectNode r =
        new CodexSetupTool(config, runner, Runnable::run, () -> persistence, accounts)
            .report(tmp.toString());
    OutputSchemas.assertValid("codex_setup", r);
    return r;
  }

  private static final CodexSetupTool.PersistenceState ON =
      new CodexSetupTool.PersistenceState("on", null);

  @Test
  void aProviderThatNeedsNoLoginIsReadyAlthoughLoginStatusSaysNotLoggedIn() throws Exception {
    ObjectNode r =
        report(
            (exe, cwd) -> new AccountProbe.Outcome(new AccountProbe.Account(false, null), null),
            ON);
    assertTrue(r.get("ready").asBoolean(), r.toString());
    assertEquals("not_required", r.at("/auth/state").asText());
    assertFalse(r.get("nextSteps").toString().contains("codex login"), r.toString());
    assertEquals("on", r.at("/persistence/state").asText());
    assertFalse(r.at("/persistence").has("detail"));
  }

  @Test
  void theOpenAiProviderWithoutAccountIsNotReady() throws Exception {
    ObjectNode r =
        report(
            (exe, cwd) -> new AccountProbe.Outcome(new AccountProbe.Account(true, null), null), ON);
    assertFalse(r.get("ready").asBoolean());
    assertEquals("unauthenticated", r.at("/auth/state").asText());
    assertTrue(r.get("nextSteps").toString().contains("codex login"), r.toString());
  }

  @Test
  void whenCodexCannotBeAskedTheLoginStatusDecidesWithAWarning() throws Exception {
    ObjectNode r = report((exe, cwd) -> new AccountProbe.Outcome(null, "timed out"), ON);
    assertEquals("unauthenticated", r.at("/auth/state").asText());
    assertEquals("Not logged in", r.at("/auth/detail").asText());
    assertTrue(r.get("warnings").toString().contains("Could not ask Codex"), r.toString());
  }

  @Test
  void degradedPersistenceIsReportedAndWarned() throws Exception {
    CodexSetupTool.PersistenceState degraded =
        new CodexSetupTool.PersistenceState("degraded", "Disk persistence is degraded: x.");
    ObjectNode r =
        report(
            (exe, cwd) -> new AccountProbe.Outcome(new AccountProbe.Account(false, null), null),
            degraded);
    assertEquals("degraded", r.at("/persistence/state").asText());
    assertEquals("Disk persistence is degraded: x.", r.at("/persistence/detail").asText());
    assertTrue(r.get("warnings").toString().contains("degraded"), r.toString());
    assertTrue(r.get("ready").asBoolean(), "persistence does not decide readiness");
  }
}
