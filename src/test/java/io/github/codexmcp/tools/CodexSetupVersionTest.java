package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexVersionRange;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.CommandRunner;
import io.github.codexmcp.testing.OutputSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** codex_setup reports the detected Codex version and warns outside the tested range. */
class CodexSetupVersionTest {
  private static final CodexVersionRange RANGE = new CodexVersionRange("0.169.0", "0.171.0");

  @TempDir Path tmp;

  private ObjectNode report(String versionOutput) throws Exception {
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
                ? new CommandRunner.Result(0, versionOutput, "", false, null)
                : new CommandRunner.Result(0, "Logged in", "", false, null);
    ObjectNode r =
        new CodexSetupTool(
                config,
                runner,
                Runnable::run,
                () -> new CodexSetupTool.PersistenceState("on", null),
                CodexSetupTool.AccountReader.NONE,
                RANGE)
            .report(null);
    OutputSchemas.assertValid("codex_setup", r);
    return r;
  }

  @Test
  void testedVersionIsReportedWithoutAWarning() throws Exception {
    ObjectNode r = report("codex-cli 0.171.0");
    assertEquals("0.171.0", r.at("/runtime/codexCliVersion").asText());
    assertEquals("0.169.0", r.at("/runtime/testedCodexVersions/minimum").asText());
    assertEquals("0.171.0", r.at("/runtime/testedCodexVersions/newestTested").asText());
    r.get("warnings").forEach(w -> assertFalse(w.asText().contains("tested"), w.asText()));
  }

  @Test
  void olderVersionWarnsAndSaysHowToUpgrade() throws Exception {
    ObjectNode r = report("codex-cli 0.106.0");
    assertEquals("0.106.0", r.at("/runtime/codexCliVersion").asText());
    String warning = RANGE.check("0.106.0").orElseThrow().message();
    assertTrue(r.get("warnings").toString().contains(warning), r.toString());
    assertTrue(r.get("nextSteps").toString().contains("@openai/codex@0.171.0"), r.toString());
  }

  @Test
  void newerVersionWarns() throws Exception {
    ObjectNode r = report("codex-cli 0.175.2");
    assertTrue(r.get("warnings").toString().contains("is newer than the versions"), r.toString());
  }

  @Test
  void undetectedVersionIsLeftOut() throws Exception {
    ObjectNode r = report("");
    assertTrue(r.at("/runtime/codexCliVersion").isMissingNode(), r.toString());
    assertTrue(r.at("/runtime/testedCodexVersions").isObject());
  }
}
