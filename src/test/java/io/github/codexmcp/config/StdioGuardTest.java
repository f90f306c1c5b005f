package io.github.codexmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StdioGuardTest {
  @Test
  void defaultsToAutoWhenUnset() {
    StdioGuard.ModeResolution m = StdioGuard.resolveMode(Map.of());
    assertEquals("auto", m.mode());
    assertEquals("default", m.source());
    assertNull(m.invalidRaw());
  }

  @Test
  void invalidValueFallsBackToAutoWithANote() {
    StdioGuard.ModeResolution m = StdioGuard.resolveMode(Map.of("CODEX_MCP_STDIO_MODE", "banana"));
    assertEquals("auto", m.mode());
    assertEquals("env_invalid", m.source());
    assertEquals("banana", m.invalidRaw());
    StdioGuard.Preflight p =
        StdioGuard.preflight("linux", Map.of("CODEX_MCP_STDIO_MODE", "banana"), false, false);
    assertTrue(
        p.notes().contains("Invalid CODEX_MCP_STDIO_MODE='banana'. Falling back to 'auto'."));
  }

  @Test
  void strictPowerShellWithoutTtyWarnsButDoesNotBlock() {
    StdioGuard.Preflight p =
        StdioGuard.preflight(
            "win32",
            Map.of("CODEX_MCP_STDIO_MODE", "strict", "PSModulePath", "C:\\x"),
            false,
            false);
    assertEquals("strict", p.mode());
    assertEquals("elevated", p.riskLevel());
    assertFalse(p.shouldBlock());
    assertTrue(p.blockingReasons().isEmpty());
    assertTrue(p.suggestions().stream().anyMatch(s -> s.contains("NoProfile")));
  }

  @Test
  void autoWithPowerShellPolicyVariableIsElevated() {
    StdioGuard.Preflight p =
        StdioGuard.preflight(
            "win32", Map.of("PSExecutionPolicyPreference", "Bypass"), false, false);
    assertEquals("elevated", p.riskLevel());
    assertFalse(p.shouldBlock());
  }

  @Test
  void offSkipsAllChecks() {
    StdioGuard.Preflight p =
        StdioGuard.preflight(
            "win32", Map.of("CODEX_MCP_STDIO_MODE", "off", "PSModulePath", "x"), true, true);
    assertEquals("low", p.riskLevel());
    assertTrue(p.riskReasons().isEmpty());
    assertTrue(p.blockingReasons().isEmpty());
    assertFalse(p.shouldBlock());
  }

  @Test
  void strictOnATerminalBlocks() {
    StdioGuard.Preflight p =
        StdioGuard.preflight("linux", Map.of("CODEX_MCP_STDIO_MODE", "strict"), true, false);
    assertEquals("elevated", p.riskLevel());
    assertFalse(p.blockingReasons().isEmpty());
    assertTrue(p.shouldBlock());
  }

  @Test
  void modeIsTrimmedAndCaseInsensitive() {
    StdioGuard.ModeResolution m =
        StdioGuard.resolveMode(Map.of("CODEX_MCP_STDIO_MODE", " STRICT "));
    assertEquals("strict", m.mode());
    assertEquals("env", m.source());
    assertEquals("default", StdioGuard.resolveMode(Map.of("CODEX_MCP_STDIO_MODE", "")).source());
  }

  @Test
  void autoWithStdoutTtyIsElevatedButNotBlocking() {
    StdioGuard.Preflight p = StdioGuard.preflight("linux", Map.of(), false, true);
    assertEquals("elevated", p.riskLevel());
    assertFalse(p.shouldBlock());
    assertTrue(p.notes().contains(StdioGuard.TTY_MESSAGE));
    assertTrue(p.riskReasons().contains(StdioGuard.TTY_MESSAGE));
  }

  @Test
  void pipedLinuxIsLowRiskWithoutSuggestions() {
    StdioGuard.Preflight p = StdioGuard.preflight("linux", Map.of(), false, false);
    assertEquals("low", p.riskLevel());
    assertTrue(p.suggestions().isEmpty());
  }
}
