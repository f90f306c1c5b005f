package io.github.codexmcp.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.process.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendModeDetectorTest {
  private final List<List<String>> calls = new ArrayList<>();

  private BackendModeDetector detector(CommandRunner.Result result) {
    return new BackendModeDetector(
        (argv, env, timeout) -> {
          calls.add(argv);
          assertEquals(5_000, timeout.toMillis());
          return result;
        });
  }

  private static CommandRunner.Result exit(int code, String out) {
    return new CommandRunner.Result(code, out, "", false, null);
  }

  @Test
  void forcedModesSkipTheProbe() {
    assertEquals(
        BackendMode.EXEC,
        detector(exit(0, "")).detect(Map.of("CODEX_MCP_MODE", "exec"), List.of("codex")));
    assertEquals(
        BackendMode.APP_SERVER,
        detector(exit(0, "")).detect(Map.of("CODEX_MCP_MODE", "app-server"), List.of("codex")));
    assertTrue(calls.isEmpty());
  }

  @Test
  void forcedModeIsCaseSensitive() {
    assertNull(BackendModeDetector.forced(Map.of("CODEX_MCP_MODE", "EXEC")));
    detector(exit(0, "Usage: codex app-server [OPTIONS]"))
        .detect(Map.of("CODEX_MCP_MODE", "EXEC"), List.of("codex"));
    assertEquals(List.of(List.of("codex", "app-server", "--help")), calls);
  }

  @Test
  void helpTextDecidesOnExitZero() {
    assertEquals(
        BackendMode.APP_SERVER,
        BackendModeDetector.judge(
            exit(
                0,
                "[experimental] Run the app server\n\nUsage: codex app-server [OPTIONS] [COMMAND]")));
    // A build without the subcommand prints its main help and still exits 0.
    assertEquals(
        BackendMode.EXEC,
        BackendModeDetector.judge(exit(0, "Codex CLI\n\nUsage: codex [OPTIONS] [PROMPT]")));
  }

  @Test
  void nonZeroExitRules() {
    assertEquals(
        BackendMode.EXEC,
        BackendModeDetector.judge(exit(2, "error: unrecognized subcommand 'app-server'")));
    assertEquals(
        BackendMode.APP_SERVER,
        BackendModeDetector.judge(exit(1, "app-server failed to read config")));
    assertEquals(BackendMode.EXEC, BackendModeDetector.judge(exit(1, "segfault")));
  }

  @Test
  void spawnFailureAndTimeoutMeanExec() {
    assertEquals(
        BackendMode.EXEC,
        BackendModeDetector.judge(new CommandRunner.Result(null, "", "", false, "No such file")));
    assertEquals(
        BackendMode.EXEC,
        BackendModeDetector.judge(new CommandRunner.Result(null, "", "", true, null)));
  }
}
