package io.github.codexmcp.bootstrap;

import io.github.codexmcp.config.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The training run for the application class-data-sharing archive: {@code java
 * -XX:ArchiveClassesAtExit=codex-mcp.jsa -jar codex-mcp.jar --cds-training}.
 *
 * <p>Starts the real server on in-process pipes and plays a client that sends {@code initialize},
 * {@code tools/list}, {@code resources/list}, {@code resources/read}, a {@code codex_setup} call, a
 * {@code codex_session list}, a poll of an unknown session and a call with invalid arguments; then
 * loads (without initialising) every class of this application, so that the code a session runs is
 * archived too, and exits. The JVM writes the archive at exit.
 *
 * <p>Needs no Codex CLI and touches no user state: the server runs with a temporary state directory
 * and with the Java launcher of this JVM as its "codex" executable (it answers the start-up probes
 * with an error, which exercises the same process-spawning code).
 *
 * <p>Threads: the client runs on the calling thread and waits for each answer; the server runs on a
 * daemon thread ({@code cds-training-server}) with all of its own threads. No shared state.
 */
final class CdsTraining {
  static final String FLAG = "--cds-training";

  private CdsTraining() {}

  /** Trains and exits with status 0 even when training fails: the archive is an optimisation. */
  static void run() {
    try {
      Path state = Files.createTempDirectory("codex-mcp-cds-");
      try {
        train(state);
        loadApplicationClasses();
      } finally {
        deleteTree(state);
      }
      System.err.println("[cds-training] done");
    } catch (Throwable t) {
      System.err.println("[cds-training] incomplete: " + t);
    }
    System.exit(0);
  }

  private static void train(Path state) throws Exception {
    ServerConfig base = ServerConfig.fromEnvironment();
    Map<String, String> env = new HashMap<>(base.env());
    env.keySet().removeIf(k -> k.startsWith("CODEX_MCP_"));
    env.put("CODEX_MCP_PATH", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("CODEX_MCP_STATE_DIR", state.toString());
    ServerConfig config =
        new ServerConfig(
            env,
            base.serverCwd(),
            base.home(),
            base.platform(),
            state,
            base.noiseFilterDisabled(),
            base.cleanupTimerEnabled());

    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    InputStream serverIn = Channels.newInputStream(toServer.source());
    OutputStream serverOut = Channels.newOutputStream(fromServer.sink());
    Thread server =
        new Thread(
            () -> {
              try {
                Main.run(config, serverIn, serverOut);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "cds-training-server");
    server.setDaemon(true);
    server.start();

    OutputStream client = Channels.newOutputStream(toServer.sink());
    BufferedReader replies =
        new BufferedReader(
            new InputStreamReader(
                Channels.newInputStream(fromServer.source()), StandardCharsets.UTF_8));
    List<String> requests =
        List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"cds-training\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"codex-mcp:///quickstart\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"codex_setup\",\"arguments\":{}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"codex_session\",\"arguments\":{\"action\":\"list\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"codex_check\","
                + "\"arguments\":{\"action\":\"poll\",\"sessionId\":\"sess_training\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"codex\","
                + "\"arguments\":{\"prompt\":\"x\",\"sandbox\":\"none\"}}}");
    int expected = 0;
    for (String r : requests) {
      client.write((r + "\n").getBytes(StandardCharsets.UTF_8));
      client.flush();
      if (r.contains("\"id\":")) {
        expected++;
        String reply = replies.readLine();
        if (reply == null || !reply.contains("\"id\":" + expected)) {
          throw new IllegalStateException("unexpected training reply: " + reply);
        }
      }
    }
  }

  /** Loads every class of the application's own packages (without running initialisers). */
  private static void loadApplicationClasses() throws IOException, URISyntaxException {
    Path jar =
        Path.of(CdsTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!Files.isRegularFile(jar)) {
      return; // running from a class directory: nothing to archive
    }
    ClassLoader loader = CdsTraining.class.getClassLoader();
    try (JarFile jf = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = jf.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.startsWith("io/github/codexmcp/") && name.endsWith(".class")) {
          try {
            Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
          } catch (ClassNotFoundException | LinkageError e) {
            // not loadable here; it is simply not archived
          }
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
