package io.github.codexmcp.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexBinaryResolverTest {
  @TempDir Path tmp;

  private Path exe(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private ResolvedExecutable resolve(Map<String, String> env) {
    return new CodexBinaryResolver(env, tmp, "linux").resolve();
  }

  @Test
  void bothVariablesAreRejected() {
    var e =
        assertThrows(
            CodexBinaryResolver.ResolutionException.class,
            () -> resolve(Map.of("CODEX_MCP_PATH", "/x", "CODEX_MCP_COMMAND", "codex")));
    assertEquals(
        "Cannot set both CODEX_MCP_PATH and CODEX_MCP_COMMAND. Use one or the other.",
        e.getMessage());
  }

  @Test
  void missingPathFile() {
    var e =
        assertThrows(
            CodexBinaryResolver.ResolutionException.class,
            () -> resolve(Map.of("CODEX_MCP_PATH", "nope/codex")));
    assertEquals("CODEX_MCP_PATH=\"nope/codex\" — file does not exist.", e.getMessage());
  }

  @Test
  void nonExecutablePathFile() throws Exception {
    Path f = tmp.resolve("plain");
    Files.writeString(f, "x");
    var e =
        assertThrows(
            CodexBinaryResolver.ResolutionException.class,
            () -> resolve(Map.of("CODEX_MCP_PATH", f.toString())));
    assertEquals("CODEX_MCP_PATH=\"" + f + "\" — not an executable file.", e.getMessage());
  }

  @Test
  void pathIsResolvedAgainstServerCwdAndUnquoted() throws Exception {
    Path p = exe(tmp.resolve("bin"), "codex");
    ResolvedExecutable r = resolve(Map.of("CODEX_MCP_PATH", " \"bin/codex\" "));
    assertEquals(new ResolvedExecutable(p.toString(), true, "env_path"), r);
    assertTrue(
        CodexBinaryResolver.describe(r).startsWith("[codex-executable] Using CODEX_MCP_PATH: "));
  }

  @Test
  void commandThatLooksLikeAPath() {
    var e =
        assertThrows(
            CodexBinaryResolver.ResolutionException.class,
            () -> resolve(Map.of("CODEX_MCP_COMMAND", "bin/codex")));
    assertEquals(
        "CODEX_MCP_COMMAND=\"bin/codex\" looks like a path. Use CODEX_MCP_PATH for filesystem paths.",
        e.getMessage());
  }

  @Test
  void commandNotOnPath() {
    var e =
        assertThrows(
            CodexBinaryResolver.ResolutionException.class,
            () -> resolve(Map.of("CODEX_MCP_COMMAND", "nosuch", "PATH", tmp.toString())));
    assertEquals("CODEX_MCP_COMMAND=\"nosuch\" was not found in PATH.", e.getMessage());
  }

  @Test
  void commandFoundOnQuotedPathEntry() throws Exception {
    Path p = exe(tmp.resolve("b"), "mycodex");
    ResolvedExecutable r =
        resolve(Map.of("CODEX_MCP_COMMAND", "mycodex", "PATH", "\"" + tmp.resolve("b") + "\""));
    assertEquals(new ResolvedExecutable(p.toString(), true, "env_command"), r);
    assertTrue(CodexBinaryResolver.describe(r).contains("resolved to " + p));
  }

  @Test
  void autoDetectPrefersCodexThenInternal() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    exe(b, "codex-internal");
    Path codex = exe(a, "codex");
    String path = a + ":" + b;
    assertEquals(
        new ResolvedExecutable(codex.toString(), true, "auto_detect"),
        resolve(Map.of("PATH", path)));
    Files.delete(codex);
    ResolvedExecutable internal = resolve(Map.of("PATH", path));
    assertTrue(internal.command().endsWith("codex-internal"));
    assertEquals("auto_detect", internal.source());
  }

  @Test
  void nothingFoundFallsBackToBareName() {
    ResolvedExecutable r = resolve(Map.of("PATH", tmp.toString()));
    assertEquals(new ResolvedExecutable("codex", false, "default"), r);
    assertTrue(
        CodexBinaryResolver.describe(r)
            .contains("No codex found on PATH; falling back to \"codex\""));
  }

  @Test
  void windowsCandidatesFollowPathextRestrictedToFourExtensions() {
    CodexBinaryResolver r =
        new CodexBinaryResolver(Map.of("PATHEXT", ".EXE;.PS1;.CMD"), tmp, "win32");
    List<String> names = r.candidateNames("codex");
    assertEquals(List.of("codex.exe", "codex.cmd", "codex.com", "codex.bat"), names);
    assertFalse(names.contains("codex.ps1"));
  }

  @Test
  void posixInvocationRunsDirectly() {
    Map<String, String> env = new HashMap<>();
    CodexInvocation inv =
        new CodexInvocation("linux", env, new CodexBinaryResolver(env, tmp, "linux"));
    CodexInvocation.Command c =
        inv.build(new ResolvedExecutable("codex", false, "default"), List.of("app-server"));
    assertEquals(List.of("codex", "app-server"), c.argv());
    assertFalse(c.spawnedViaCmd());
  }

  @Test
  void windowsBareNameFallsBackToComSpec() {
    Map<String, String> env =
        Map.of("ComSpec", "C:\\Windows\\system32\\cmd.exe", "PATH", tmp.toString());
    CodexInvocation inv =
        new CodexInvocation("win32", env, new CodexBinaryResolver(env, tmp, "win32"));
    CodexInvocation.Command c =
        inv.build(new ResolvedExecutable("codex", false, "default"), List.of("app-server"));
    assertEquals("C:\\Windows\\system32\\cmd.exe", c.cmd());
    assertEquals(List.of("/d", "/s", "/c", "codex", "app-server"), c.args());
    assertTrue(c.spawnedViaCmd());
  }

  @Test
  void windowsCmdPathIsWrappedByComSpec() {
    Map<String, String> env = Map.of();
    CodexInvocation inv =
        new CodexInvocation("win32", env, new CodexBinaryResolver(env, tmp, "win32"));
    CodexInvocation.Command c =
        inv.build(new ResolvedExecutable("C:\\npm\\codex.cmd", true, "env_path"), List.of("x"));
    assertEquals("cmd.exe", c.cmd());
    assertEquals(List.of("/d", "/s", "/c", "C:\\npm\\codex.cmd", "x"), c.args());
  }

  @Test
  void npmShimIsUnwrappedToNodeAndScript() throws Exception {
    Path bin = tmp.resolve("npm");
    Files.createDirectories(bin.resolve("node_modules/@openai/codex/bin"));
    Path script = bin.resolve("node_modules/@openai/codex/bin/codex.js");
    Files.writeString(script, "//");
    Files.writeString(
        bin.resolve("codex.cmd"), "@\"%~dp0\\node_modules\\@openai\\codex\\bin\\codex.js\" %*\r\n");
    Path node = exe(tmp.resolve("nodebin"), "node.exe");
    Map<String, String> env = Map.of("PATH", bin + ";" + tmp.resolve("nodebin"));
    CodexInvocation inv =
        new CodexInvocation("win32", env, new CodexBinaryResolver(env, tmp, "win32"));
    CodexInvocation.Command c =
        inv.build(
            new ResolvedExecutable("codex", false, "default"),
            List.of("app-server", "-c", "model=gpt-5"));
    assertEquals(node.toString(), c.cmd());
    assertEquals(List.of(script.toString(), "app-server", "-c", "model=gpt-5"), c.args());
  }
}
