package io.github.codexmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void homeFollowsTheEnvironmentLikeCodexDoes() {
    assertEquals(Path.of("/h/alice"), ServerConfig.homeDirectory(Map.of("HOME", "/h/alice")));
    assertEquals(
        Path.of("C:\\Users\\bob"),
        ServerConfig.homeDirectory(Map.of("USERPROFILE", "C:\\Users\\bob")));
    assertEquals(
        Path.of(System.getProperty("user.home")), ServerConfig.homeDirectory(Map.of("HOME", " ")));
  }

  @Test
  void stateDirIsTrimmedWithTheHomeDefault() {
    assertEquals(
        Path.of("/s").toAbsolutePath(),
        ServerConfig.stateDir(Map.of("CODEX_MCP_STATE_DIR", " /s "), Path.of("/h")));
    assertEquals(
        Path.of("/h/.codex-mcp/state"),
        ServerConfig.stateDir(Map.of("CODEX_MCP_STATE_DIR", "  "), Path.of("/h")));
  }

  @Test
  void codexHomePrefersCodexHomeVariable() {
    ServerConfig c =
        new ServerConfig(
            Map.of("CODEX_HOME", "/ch"),
            Path.of("/w"),
            Path.of("/h"),
            "linux",
            Path.of("/s"),
            false,
            true);
    assertEquals(Path.of("/ch"), c.codexHome());
    ServerConfig d =
        new ServerConfig(
            Map.of(), Path.of("/w"), Path.of("/h"), "linux", Path.of("/s"), false, true);
    assertEquals(Path.of("/h/.codex"), d.codexHome());
  }
}
