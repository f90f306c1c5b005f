package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The launcher folder ({@code target/codex-mcp/}) as a client runs it: {@code bin/codex-mcp} with a
 * handshake that begins with {@code server/discover}, as Claude Code's and the MCP Inspector's
 * health checks do, then a real session against the scripted model; and the same folder copied
 * elsewhere.
 */
@Timeout(180)
@DisabledOnOs(OS.WINDOWS)
class LauncherIT {
  static final Duration T = Duration.ofSeconds(60);
  ScriptedModelServer model;
  CodexTestHome home;
  Path cache;

  @BeforeEach
  void setUp() throws IOException {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    cache = home.root().resolve("cache");
  }

  @AfterEach
  void tearDown() {
    home.close();
    model.close();
  }

  static Path folder() {
    return Path.of(System.getProperty("codexmcp.launcherDir", "target/codex-mcp")).toAbsolutePath();
  }

  @Test
  void discoverFirstHandshakeThenASession() throws Exception {
    try (ServerProcess s = start(folder())) {
      handshakeAndTurn(s, "from the launcher");
      assertOnlyJsonOnStdout(s);
      // exec: the process the client started is the JVM itself, not a shell waiting for it.
      String exe = s.process.info().command().orElse("");
      assertTrue(exe.endsWith("/java"), exe);
    }
  }

  @Test
  void javaOlderThan17IsRefusedOnStderr() throws Exception {
    Path old = home.root().resolve("jdk-11");
    Files.createDirectories(old.resolve("bin"));
    Files.writeString(old.resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
    Path java = old.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho should not run\nexit 0\n");
    java.toFile().setExecutable(true);
    Map<String, String> env = env();
    env.put("JAVA_HOME", old.toString());
    try (ServerProcess s = ServerProcess.start(List.of(launcher(folder())), env, home.workDir())) {
      assertEquals(1, s.process.waitFor());
      String stderr = s.stderrAtExit();
      assertTrue(s.stdoutLines.isEmpty(), s.stdoutLines.toString());
      assertTrue(
          stderr.contains("needs Java 17 or newer, but " + java + " is Java 11.0.2"), stderr);
    }
    env.put("JAVA_HOME", home.root().resolve("no-such-jdk").toString());
    try (ServerProcess s = ServerProcess.start(List.of(launcher(folder())), env, home.workDir())) {
      assertEquals(1, s.process.waitFor());
      String stderr = s.stderrAtExit();
      assertTrue(s.stdoutLines.isEmpty(), s.stdoutLines.toString());
      assertTrue(stderr.contains("JAVA_HOME is set to"), stderr);
    }
  }

  /**
   * A JVM that cannot start says why on stderr: the client's stdout carries JSON-RPC only (without
   * DisplayVMOutputToStderr the JVM prints a failed start, like a crash report, on stdout).
   */
  @Test
  void aJvmThatCannotStartSaysWhyOnStderr() throws Exception {
    Map<String, String> env = env();
    env.put("CODEX_MCP_JAVA_OPTS", "-XX:+UseParallelGC"); // the launcher chose SerialGC
    try (ServerProcess s = ServerProcess.start(List.of(launcher(folder())), env, home.workDir())) {
      assertEquals(1, s.process.waitFor());
      String stderr = s.stderrAtExit();
      assertTrue(s.stdoutLines.isEmpty(), s.stdoutLines.toString());
      assertTrue(stderr.contains("garbage collectors"), stderr);
    }
  }

  /**
   * What {@code jbang codex-mcp@...} runs: the catalog's JVM options, the jar on the class path and
   * the catalog's main class (the release jar is the one the build makes).
   */
  @Test
  void theJbangAliasCommandServesTheHandshake() throws Exception {
    JsonNode alias =
        ServerProcess.JSON
            .readTree(Path.of("jbang-catalog.json").toFile())
            .at("/aliases/codex-mcp");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    alias.path("runtime-options").forEach(o -> command.add(o.asText()));
    command.add("-classpath");
    command.add(folder().resolve("lib/codex-mcp.jar").toString());
    command.add(alias.path("main").asText());
    try (ServerProcess s = ServerProcess.start(command, env(), home.workDir())) {
      handshake(s);
      assertOnlyJsonOnStdout(s);
    }
  }

  /** cmd.exe reads labels and long lines of a file with bare LF line ends wrongly. */
  @Test
  void theWindowsLauncherHasCrLfLineEnds() throws IOException {
    byte[] cmd = Files.readAllBytes(folder().resolve("bin/codex-mcp.cmd"));
    int lines = 0;
    for (int i = 0; i < cmd.length; i++) {
      if (cmd[i] == '\n') {
        assertTrue(i > 0 && cmd[i - 1] == '\r', "bare LF at byte " + i);
        lines++;
      }
    }
    assertTrue(lines > 50, "lines: " + lines);
  }

  @Test
  void aCopiedFolderRunsFromItsNewPlace() throws Exception {
    Path copy = home.root().resolve("elsewhere/codex mcp");
    copyTree(folder(), copy);
    try (ServerProcess s = start(copy)) {
      handshakeAndTurn(s, "from the copy");
      assertOnlyJsonOnStdout(s);
      // The server that answers is the copy's jar, not the build's.
      String cmd = s.process.info().commandLine().orElse("");
      assertTrue(cmd.isEmpty() || cmd.contains(copy.resolve("lib/codex-mcp.jar").toString()), cmd);
    }
  }

  @Test
  void aSecondStartUsesTheClassDataArchiveTheFirstLeft() throws Exception {
    try (ServerProcess s = start(folder())) {
      handshake(s);
      s.closeStdin();
      s.process.waitFor();
    }
    Path dir = cache.resolve("cds");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (archives(dir).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    List<Path> made = archives(dir);
    assertEquals(1, made.size(), "one archive in " + dir + ": " + made);
    Map<String, String> env = env();
    env.put("CODEX_MCP_LOG_LEVEL", "debug");
    try (ServerProcess s = ServerProcess.start(List.of(launcher(folder())), env, home.workDir())) {
      handshake(s);
      assertTrue(
          s.stderr.toString().contains("class-data archive: " + made.get(0)), s.stderr.toString());
      assertOnlyJsonOnStdout(s);
      Path maps = Path.of("/proc/" + s.process.pid() + "/maps");
      if (Runtime.version().feature() <= 25 && Files.isReadable(maps)) {
        // mapped where it was written: its read-only part stays read-only (a relocated archive is
        // mapped writable and rewritten at every start)
        String archive = made.get(0).toString();
        List<String> lines = Files.readAllLines(maps);
        assertTrue(
            lines.stream().anyMatch(l -> l.endsWith(archive) && l.split(" +")[1].startsWith("r--")),
            "no read-only mapping of " + archive + " in " + lines);
      }
    }
  }

  private static List<Path> archives(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(home.env());
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("CODEX_MCP_STATE_DIR", home.root().resolve("state").toString());
    env.put("CODEX_MCP_CACHE_DIR", cache.toString());
    // The JVM running the tests, whichever JAVA_HOME the build has.
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  private static String launcher(Path folder) {
    return folder.resolve("bin/codex-mcp").toString();
  }

  private ServerProcess start(Path folder) throws IOException {
    return ServerProcess.start(List.of(launcher(folder)), env(), home.workDir());
  }

  private static void handshake(ServerProcess s) throws Exception {
    s.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"d1\",\"method\":\"server/discover\",\"params\":{}}");
    JsonNode discover = s.response("d1", T);
    assertEquals(-32601, discover.at("/error/code").asInt(), discover.toString());
    s.sendLine(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
    JsonNode init = s.response(1, T);
    assertEquals("codex-mcp", init.at("/result/serverInfo/name").asText(), init.toString());
    assertEquals("2025-06-18", init.at("/result/protocolVersion").asText());
    s.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    s.sendLine("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    JsonNode list = s.response(2, T);
    List<String> names = new ArrayList<>();
    list.at("/result/tools").forEach(t -> names.add(t.path("name").asText()));
    assertEquals(
        List.of("codex", "codex_reply", "codex_setup", "codex_session", "codex_check"), names);
    s.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
    s.response("p", T);
    // One answer per request: the early answers are not repeated by the SDK.
    assertEquals(4, s.stdoutLines.size(), s.stdoutLines.toString());
  }

  private void handshakeAndTurn(ServerProcess s, String answer) throws Exception {
    handshake(s);
    model.enqueue(ScriptedReply.text(answer));
    ObjectNode call = ServerProcess.JSON.createObjectNode();
    call.put("jsonrpc", "2.0").put("id", 3).put("method", "tools/call");
    ObjectNode params = call.putObject("params");
    params.put("name", "codex");
    ObjectNode args = params.putObject("arguments");
    args.put("prompt", "say it")
        .put("approvalPolicy", "never")
        .put("sandbox", "read-only")
        .put("cwd", home.workDir().toString());
    args.putObject("advanced").put("waitForResult", 60000);
    s.send(call);
    JsonNode r = s.response(3, Duration.ofSeconds(120));
    JsonNode result = r.at("/result/structuredContent");
    assertFalse(r.at("/result/isError").asBoolean(), r.toString());
    assertEquals("idle", result.path("status").asText(), r.toString());
    assertEquals(answer, result.at("/result/text").asText(), r.toString());
    assertTrue(
        Files.exists(home.root().resolve("state")), "the session was persisted in the state dir");
  }

  private static void assertOnlyJsonOnStdout(ServerProcess s) {
    for (String line : s.stdoutLines) {
      assertTrue(line.startsWith("{\"jsonrpc\":\"2.0\""), "not JSON-RPC on stdout: " + line);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                file,
                to.resolve(from.relativize(file).toString()),
                StandardCopyOption.COPY_ATTRIBUTES);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
