package io.github.codexmcp.codex.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exec argv for first and resume turns (spec 70 AC1/AC2, adapted to codex 0.169). */
class ExecCommandLineTest {
  private static ObjectNode config() {
    ObjectNode c = Json.object();
    c.put("model_reasoning_summary", "auto");
    c.putObject("tools").put("web_search", true);
    return c;
  }

  @Test
  void firstTurnPutsEveryOptionBeforeThePromptSeparator() {
    ExecCommandLine.Turn t =
        new ExecCommandLine.Turn(
            null,
            "-do it",
            List.of("/img/a.png", "/img/b.png"),
            "gpt-5",
            "workspace-write",
            Path.of("/work"),
            List.of("model_provider=\"mock\""),
            "on-failure",
            config(),
            Path.of("/tmp/s/output-schema.json"));
    assertEquals(
        List.of(
            "exec",
            "--json",
            "--skip-git-repo-check",
            "-m",
            "gpt-5",
            "-s",
            "workspace-write",
            "-C",
            "/work",
            "-i",
            "/img/a.png",
            "-i",
            "/img/b.png",
            "-c",
            "model_provider=\"mock\"",
            "-c",
            "approval_policy=on-request",
            "-c",
            "model_reasoning_summary=auto",
            "-c",
            "tools={\"web_search\":true}",
            "--output-schema",
            "/tmp/s/output-schema.json",
            "--",
            "-do it"),
        ExecCommandLine.arguments(t));
  }

  @Test
  void minimalFirstTurn() {
    ExecCommandLine.Turn t =
        new ExecCommandLine.Turn(null, "hi", null, null, null, null, null, null, null, null);
    assertEquals(
        List.of("exec", "--json", "--skip-git-repo-check", "--", "hi"),
        ExecCommandLine.arguments(t));
  }

  @Test
  void resumeTurnPlacesSandboxAndCwdBeforeTheResumeWord() {
    ExecCommandLine.Turn t =
        new ExecCommandLine.Turn(
            "T-1",
            "again",
            List.of("/img/a.png"),
            "gpt-5",
            "read-only",
            Path.of("/work"),
            List.of(),
            "never",
            config(),
            Path.of("/tmp/s/output-schema.json"));
    assertEquals(
        List.of(
            "exec",
            "-s",
            "read-only",
            "-C",
            "/work",
            "resume",
            "T-1",
            "--json",
            "--skip-git-repo-check",
            "-m",
            "gpt-5",
            "-i",
            "/img/a.png",
            "-c",
            "approval_policy=never",
            "-c",
            "model_reasoning_summary=auto",
            "-c",
            "tools={\"web_search\":true}",
            "--output-schema",
            "/tmp/s/output-schema.json",
            "--",
            "again"),
        ExecCommandLine.arguments(t));
  }

  @Test
  void minimalResumeTurn() {
    ExecCommandLine.Turn t =
        new ExecCommandLine.Turn("T-1", "again", null, null, null, null, null, null, null, null);
    assertEquals(
        List.of("exec", "resume", "T-1", "--json", "--skip-git-repo-check", "--", "again"),
        ExecCommandLine.arguments(t));
  }

  @Test
  void sandboxPolicyTypesMapToExecSandboxModes() {
    assertEquals("read-only", ExecCommandLine.sandboxForPolicy("readOnly"));
    assertEquals("workspace-write", ExecCommandLine.sandboxForPolicy("workspaceWrite"));
    assertEquals("danger-full-access", ExecCommandLine.sandboxForPolicy("dangerFullAccess"));
    assertNull(ExecCommandLine.sandboxForPolicy("externalSandbox"));
    assertNull(ExecCommandLine.sandboxForPolicy(null));
  }
}
