package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import io.github.codexmcp.util.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the real-Codex harness end to end: the pinned CLI, the per-test home and the scripted
 * model server, in exec mode (launcher and native binary) and app-server mode.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ScriptedModelSmokeIT {
  private static final Duration STEP = Duration.ofSeconds(30);

  private static CodexCli cli;
  private ScriptedModelServer model;
  private CodexTestHome home;

  @BeforeAll
  static void locateCli() {
    cli = CodexCli.get(); // fails (never skips) when the CLI cannot be installed
  }

  @BeforeEach
  void setUp() throws IOException {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
  }

  @AfterEach
  void tearDown() {
    model.close();
    home.close();
  }

  @Test
  void execPlainAnswerThroughTheNpmLauncher() throws Exception {
    model.enqueue(ScriptedReply.text("Hello from the scripted model"));

    ExecRun run = exec(cli.launcher(), "say hello");

    assertEquals(0, run.exitCode(), run::describe);
    assertTrue(
        run.events().stream()
            .anyMatch(
                e ->
                    "item.completed".equals(Json.text(e, "type"))
                        && "agent_message".equals(Json.text(e.path("item"), "type"))
                        && "Hello from the scripted model"
                            .equals(Json.text(e.path("item"), "text"))),
        run::describe);
    assertTrue(run.events().stream().anyMatch(e -> "turn.completed".equals(Json.text(e, "type"))));
    assertEquals(1, model.requestCount());
    assertEquals("say hello", ScriptedModelServer.lastUserText(model.request(0)));
  }

  @Test
  void execCommandWritesAFileThroughTheNativeBinary() throws Exception {
    ScriptedReply command = ScriptedReply.command("echo hi > made.txt");
    model.enqueue(command);

    ExecRun run = exec(cli.nativeBinary(), "make a file");

    assertEquals(0, run.exitCode(), run::describe);
    Path made = home.workDir().resolve("made.txt");
    assertTrue(Files.exists(made), run::describe);
    assertEquals("hi\n", Files.readString(made));
    List<JsonNode> requests = model.awaitRequestCount(2, STEP);
    assertTrue(ScriptedModelServer.lastInputIsToolOutput(requests.get(1)));
    assertTrue(ScriptedModelServer.toolOutputs(requests.get(1)).containsKey(command.callId()));
    assertTrue(
        run.events().stream()
            .anyMatch(
                e ->
                    "item.completed".equals(Json.text(e, "type"))
                        && "command_execution".equals(Json.text(e.path("item"), "type"))
                        && e.path("item").path("exit_code").asInt(-1) == 0),
        run::describe);
  }

  @Test
  void appServerTurnDeliversTheScriptedAgentMessage() throws Exception {
    model.enqueue(ScriptedReply.streamedText("Streamed hello from the scripted model", 5));

    try (AppServer server = AppServer.start(cli, home)) {
      ObjectNode init = Json.object();
      init.putObject("clientInfo").put("name", "smoke-it").put("version", "0.0.0");
      init.putObject("capabilities").put("experimentalApi", true);
      JsonNode initResult = server.call("initialize", init);
      assertNotNull(Json.text(initResult, "userAgent"), initResult::toString);
      server.notify("initialized");

      JsonNode thread =
          server.call(
              "thread/start",
              Json.object().put("cwd", home.workDir().toString()).put("approvalPolicy", "never"));
      String threadId = thread.path("thread").path("id").asText();
      assertTrue(!threadId.isEmpty(), thread::toString);

      ObjectNode turn = Json.object().put("threadId", threadId);
      turn.putArray("input")
          .addObject()
          .put("type", "text")
          .put("text", "hello over app-server")
          .putArray("text_elements");
      server.call("turn/start", turn);

      JsonNode completed = server.await(m -> "turn/completed".equals(Json.text(m, "method")));
      assertEquals(
          "completed", completed.path("params").path("turn").path("status").asText(), server::log);
      assertTrue(
          server.seen().stream()
              .anyMatch(
                  m ->
                      "item/completed".equals(Json.text(m, "method"))
                          && "agentMessage".equals(Json.text(m.path("params").path("item"), "type"))
                          && "Streamed hello from the scripted model"
                              .equals(Json.text(m.path("params").path("item"), "text"))),
          server::log);
      long deltas =
          server.seen().stream()
              .filter(m -> "item/agentMessage/delta".equals(Json.text(m, "method")))
              .count();
      assertEquals(5, deltas, server::log);
      assertEquals("hello over app-server", ScriptedModelServer.lastUserText(model.lastRequest()));
    }
  }

  // ---------------------------------------------------------------- exec helper

  private record ExecRun(int exitCode, List<JsonNode> events, String stdout, String stderr) {
    String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private ExecRun exec(Path codex, String prompt) throws Exception {
    Path out = home.root().resolve("exec.stdout");
    Path err = home.root().resolve("exec.stderr");
    ProcessBuilder pb =
        home.configure(
                new ProcessBuilder(
                    codex.toString(), "exec", "--json", "--skip-git-repo-check", "--", prompt))
            .redirectInput(new File("/dev/null"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Process process = pb.start();
    if (!process.waitFor(STEP.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      fail("codex exec did not finish within " + STEP + "; stderr:\n" + Files.readString(err));
    }
    String stdout = Files.readString(out);
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        events.add(Json.parse(line));
      }
    }
    return new ExecRun(process.exitValue(), events, stdout, Files.readString(err));
  }

  // ---------------------------------------------------------------- app-server helper

  /** A minimal newline-delimited JSON-RPC peer over the native app-server's stdio. */
  private static final class AppServer implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final Path stderr;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private int nextId = 1;

    private AppServer(Process process, Path stderr) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.stderr = stderr;
      Thread reader = new Thread(this::readLoop, "app-server-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static AppServer start(CodexCli cli, CodexTestHome home) throws IOException {
      Path err = home.root().resolve("app-server.stderr");
      ProcessBuilder pb =
          home.configure(new ProcessBuilder(cli.nativeBinary().toString(), "app-server"))
              .redirectError(err.toFile());
      return new AppServer(pb.start(), err);
    }

    private void readLoop() {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (!line.isBlank()) {
            inbox.add(Json.parse(line));
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // process gone; waiters time out with the log
      }
    }

    private void send(JsonNode message) throws IOException {
      stdin.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    void notify(String method) throws IOException {
      send(Json.object().put("method", method));
    }

    /** Sends a request and returns its {@code result}; fails on an error response. */
    JsonNode call(String method, JsonNode params) throws Exception {
      int id = nextId++;
      ObjectNode request = Json.object().put("id", id).put("method", method);
      request.set("params", params);
      send(request);
      JsonNode response =
          await(m -> !m.has("method") && m.path("id").isInt() && m.get("id").asInt() == id);
      if (response.has("error")) {
        fail(method + " failed: " + response.get("error") + "\n" + log());
      }
      return response.path("result");
    }

    /**
     * Waits for the next message matching {@code match}, recording everything seen; answers any
     * server request with a JSON-RPC error so nothing blocks.
     */
    JsonNode await(Predicate<JsonNode> match) throws Exception {
      long deadline = System.nanoTime() + STEP.toNanos();
      while (true) {
        long remaining = deadline - System.nanoTime();
        JsonNode message = remaining > 0 ? inbox.poll(remaining, TimeUnit.NANOSECONDS) : null;
        if (message == null) {
          fail("timed out waiting for an app-server message\n" + log());
        }
        seen.add(message);
        if (message.has("method") && message.has("id")) {
          ObjectNode error = Json.object();
          error.set("id", message.get("id"));
          error
              .putObject("error")
              .put("code", -32601)
              .put("message", "not handled by the smoke IT");
          send(error);
        }
        if (match.test(message)) {
          return message;
        }
      }
    }

    List<JsonNode> seen() {
      return seen;
    }

    String log() {
      StringBuilder sb = new StringBuilder("--- messages\n");
      for (JsonNode m : seen) {
        String s = Json.write(m);
        sb.append(s.length() > 400 ? s.substring(0, 400) + "..." : s).append('\n');
      }
      try {
        sb.append("--- stderr\n").append(Files.readString(stderr));
      } catch (IOException e) {
        sb.append("--- stderr unreadable: ").append(e);
      }
      return sb.toString();
    }

    /** Closes stdin (orderly shutdown), then escalates to SIGTERM/SIGKILL if needed. */
    @Override
    public void close() throws Exception {
      try {
        stdin.close();
      } catch (IOException e) {
        // already gone
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
