package io.github.codexmcp.codex.exec;

import static io.github.codexmcp.testing.exec.ExecFakeLauncher.emit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.appserver.FakeChildProcess;
import io.github.codexmcp.testing.appserver.RecordingListener;
import io.github.codexmcp.testing.appserver.RecordingListener.Event;
import io.github.codexmcp.testing.exec.ExecFakeLauncher;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec 70 group AC against in-memory children ({@link FakeChildProcess}) whose stdout the test
 * scripts; time is manual, waits are on futures and the recording listener (no sleeps).
 *
 * <p>Adapted to codex 0.169 (spec 80 §6, spec 90 §5.2): the prompt comes last after {@code --}; a
 * profile is passed as its {@code -c} settings instead of {@code -p}; on resume turns {@code -s}
 * and {@code -C} are placed before {@code resume} and {@code --output-schema} is passed, so
 * overrides are not dropped (AC1, AC2, AC4); errors carry {@code {message}} objects.
 */
@Timeout(30)
class ExecBackendTest {
  @TempDir Path tmp;
  private final ExecFakeLauncher launcher = new ExecFakeLauncher();
  private final ManualTimer timer = new ManualTimer();
  private final RecordingListener listener = new RecordingListener();
  private Path codexHome;
  private Path work;
  private Path schemas;

  @BeforeEach
  void setUp() throws IOException {
    codexHome = Files.createDirectories(tmp.resolve("codex-home"));
    work = Files.createDirectories(tmp.resolve("work"));
    schemas = Files.createDirectories(tmp.resolve("schemas"));
  }

  private ExecBackendFactory factory() {
    return new ExecBackendFactory(
        new ResolvedExecutable("/opt/codex", true, "env_path"),
        launcher,
        timer,
        Map.of("CODEX_HOME", codexHome.toString()),
        false,
        schemas);
  }

  private ExecBackend backend(LaunchOptions options) throws Exception {
    ExecBackend b = factory().create("s1", options);
    b.setListener(listener);
    await(b.start());
    return b;
  }

  /** A started backend with a thread (cwd = work) and no other settings. */
  private ExecBackend threaded() throws Exception {
    ExecBackend b = backend(new LaunchOptions(null, null, null, null, null, work));
    await(b.threadStart(Json.object().put("cwd", work.toString())));
    return b;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    return assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS)).getCause();
  }

  private static ObjectNode turn(String prompt) {
    ObjectNode t = Json.object().put("threadId", "ignored");
    t.putArray("input").addObject().put("type", "text").put("text", prompt);
    return t;
  }

  private List<Event> notifications(String method, int count) throws Exception {
    return listener.await(e -> e.kind().equals("notification") && method.equals(e.method()), count);
  }

  private List<Event> notifications(String method) {
    List<Event> out = new ArrayList<>();
    for (Event e : listener.events("notification")) {
      if (method.equals(e.method())) {
        out.add(e);
      }
    }
    return out;
  }

  private List<String> methods() {
    List<String> out = new ArrayList<>();
    listener.events("notification").forEach(e -> out.add(e.method()));
    return out;
  }

  /** Runs one turn to completion: thread.started (first turn), agent message, turn.completed. */
  private FakeChildProcess completeTurn(ExecBackend b, String prompt, String answer)
      throws Exception {
    int before = notifications("turn/completed").size();
    await(b.turnStart(turn(prompt)));
    FakeChildProcess child = launcher.child();
    emit(
        child,
        "{\"type\":\"thread.started\",\"thread_id\":\"T-real\"}",
        "{\"type\":\"turn.started\"}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"agent_message\",\"text\":\""
            + answer
            + "\"}}",
        "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}");
    notifications("turn/completed", before + 1);
    CompletableFuture<Void> ended = b.latestTurnEnded();
    child.exit(0);
    await(ended);
    return child;
  }

  // ---------------------------------------------------------------- AC1, AC20, AC21

  @Test
  void eachTurnChildIsReportedForPidRecords() throws Exception {
    ExecBackend b = threaded();
    java.util.List<Long> pids = new java.util.concurrent.CopyOnWriteArrayList<>();
    b.setListener(
        new io.github.codexmcp.codex.BackendListener() {
          @Override
          public void onNotification(String method, JsonNode params) {}

          @Override
          public void onServerRequest(JsonNode id, String method, JsonNode params) {}

          @Override
          public void onExit(Integer code, String signal) {}

          @Override
          public void onError(Throwable error) {}

          @Override
          public void onChildStarted(long pid) {
            pids.add(pid);
          }
        });
    await(b.turnStart(turn("go")));
    assertEquals(java.util.List.of(launcher.child().pid()), pids);
  }

  @Test
  void firstTurnCommandLine() throws Exception {
    Files.writeString(codexHome.resolve("fast.config.toml"), "model_verbosity = \"low\"\n");
    ObjectNode launchConfig = Json.object().put("a", 1).put("b", "spawn");
    ExecBackend b =
        backend(new LaunchOptions("fast", "spawn-model", "never", "read-only", launchConfig, work));
    ObjectNode thread =
        Json.object()
            .put("cwd", work.toString())
            .put("model", "gpt-5")
            .put("approvalPolicy", "on-failure")
            .put("sandbox", "workspace-write")
            .put("personality", "friendly")
            .put("ephemeral", true)
            .put("baseInstructions", "BASE")
            .put("developerInstructions", "DEV");
    thread.putObject("config").put("b", "thread").put("c", true);
    JsonNode started = await(b.threadStart(thread));
    String threadId = started.path("thread").path("id").asText();
    assertTrue(threadId.matches("exec_thread_.{12}"), threadId);

    ObjectNode t = turn("line one");
    t.withArray("input").addObject().put("type", "localImage").put("path", "/img/a.png");
    t.withArray("input").addObject().put("type", "text").put("text", "line two");
    t.withArray("input").addObject().put("type", "localImage").put("path", "/img/b.png");
    t.put("effort", "high").put("summary", "concise").put("personality", "pragmatic");
    t.putObject("outputSchema").put("type", "object");
    JsonNode resp = await(b.turnStart(t));
    String turnId = resp.path("turn").path("id").asText();
    assertTrue(turnId.matches("exec_turn_.{12}"), turnId);

    ProcessSpec spec = launcher.spec();
    List<String> args = launcher.args();
    assertEquals("/opt/codex", spec.command().get(0));
    int schemaAt = args.indexOf("--output-schema");
    String schemaFile = args.get(schemaAt + 1);
    assertTrue(
        schemaFile.startsWith(schemas.toString()) && schemaFile.endsWith("output-schema.json"),
        schemaFile);
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
            work.toString(),
            "-i",
            "/img/a.png",
            "-i",
            "/img/b.png",
            "-c",
            "model_verbosity=\"low\"",
            "-c",
            "approval_policy=on-request",
            "-c",
            "a=1",
            "-c",
            "b=thread",
            "-c",
            "c=true",
            "--output-schema",
            schemaFile,
            "--",
            "line one\nline two"),
        args);
    assertEquals("{\"type\":\"object\"}", launcher.schema());
    assertTrue(spec.stdinFromNull(), "exec reads stdin to EOF otherwise");
    assertEquals(work, spec.cwd());
    String joined = String.join(" ", args);
    for (String absent :
        List.of("high", "concise", "pragmatic", "friendly", "BASE", "DEV", "--ephemeral", "-p")) {
      assertFalse(
          args.contains(absent) || joined.contains("=" + absent),
          absent + " must not be passed: " + args);
    }
    assertEquals(launcher.child().pid(), b.childPid());
    assertTrue(launcher.child().stdinPipe().isSinkClosed(), "stdin closed right away");
  }

  @Test
  void launchOptionsAreTheDefaultsWithoutThreadSettings() throws Exception {
    ExecBackend b =
        backend(
            new LaunchOptions(
                null, "m1", "untrusted", "read-only", Json.object().put("k", "v"), work));
    await(b.threadStart(Json.object()));
    await(b.turnStart(turn("p")));
    assertEquals(
        List.of(
            "exec",
            "--json",
            "--skip-git-repo-check",
            "-m",
            "m1",
            "-s",
            "read-only",
            "-C",
            work.toString(),
            "-c",
            "approval_policy=untrusted",
            "-c",
            "k=v",
            "--",
            "p"),
        launcher.args());
  }

  @Test
  void missingProfileFailsStart() {
    ExecBackend b = factory().create("s1", new LaunchOptions("nope", null, null, null, null, work));
    Throwable e = failure(b.start());
    assertInstanceOf(CodexMcpException.class, e);
    assertEquals(ErrorCode.INVALID_ARGUMENT, ((CodexMcpException) e).code());
    assertEquals(0, launcher.count());
  }

  @Test
  void theProfileIsReadWithoutTheBackendLock() throws Exception {
    ExecBackend[] b = new ExecBackend[1];
    List<Boolean> lockHeld = new ArrayList<>();
    b[0] =
        new ExecBackend(
            "s1",
            null,
            List.of("/opt/codex"),
            Map.of(),
            () -> {
              lockHeld.add(Thread.holdsLock(b[0].lock)); // a file read: no lock held across it
              return List.of("-c", "k=v");
            },
            launcher,
            timer,
            schemas);
    await(b[0].start());
    assertEquals(List.of(false), lockHeld);
  }

  @Test
  void aChildSpawnedAfterADestroyIsStoppedWithoutTheBackendLock() throws Exception {
    ExecBackend[] b = new ExecBackend[1];
    List<Boolean> lockHeld = new ArrayList<>();
    io.github.codexmcp.process.ProcessLauncher racing =
        spec -> {
          b[0].destroy(); // the backend is destroyed while the turn's child is being spawned
          FakeChildProcess child = new FakeChildProcess();
          return new io.github.codexmcp.process.ChildProcess() {
            @Override
            public long pid() {
              return child.pid();
            }

            @Override
            public java.io.OutputStream stdin() {
              return child.stdin();
            }

            @Override
            public java.io.InputStream stdout() {
              return child.stdout();
            }

            @Override
            public java.io.InputStream stderr() {
              return child.stderr();
            }

            @Override
            public boolean isAlive() {
              return child.isAlive();
            }

            @Override
            public CompletableFuture<Integer> onExit() {
              return child.onExit();
            }

            @Override
            public CompletableFuture<Void> terminate(java.time.Duration grace) {
              lockHeld.add(Thread.holdsLock(b[0].lock)); // signals: no lock held across them
              return child.terminate(grace);
            }
          };
        };
    b[0] =
        new ExecBackend(
            "s1", null, List.of("/opt/codex"), Map.of(), List::of, racing, timer, schemas);
    await(b[0].start());
    await(b[0].threadStart(Json.object().put("cwd", work.toString())));
    assertEquals("Client destroyed", failure(b[0].turnStart(turn("hi"))).getMessage());
    assertEquals(List.of(false), lockHeld);
  }

  @Test
  void startAnswersWithoutSpawning() throws Exception {
    ExecBackend b = factory().create("s1", null);
    assertEquals("codex-exec", await(b.start()).path("userAgent").asText());
    assertEquals(0, launcher.count());
    assertNull(b.childPid());
    assertEquals(BackendMode.EXEC, b.mode());
    assertEquals(BackendMode.EXEC, factory().mode());
  }

  // ---------------------------------------------------------------- AC2, AC19, AC3

  @Test
  void threadStartedReplacesTheThreadIdAndLaterTurnsResume() throws Exception {
    ExecBackend b = threaded();
    completeTurn(b, "first", "one");
    Event threadStarted = notifications("thread/started").get(0);
    assertEquals("T-real", threadStarted.params().path("thread").path("id").asText());
    assertEquals("T-real", b.realThreadId());
    assertEquals(
        "T-real", notifications("turn/completed").get(0).params().path("threadId").asText());

    await(b.turnStart(turn("second")));
    assertEquals(
        List.of(
            "exec",
            "-C",
            work.toString(),
            "resume",
            "T-real",
            "--json",
            "--skip-git-repo-check",
            "--",
            "second"),
        launcher.args());
    assertTrue(notifications("error").isEmpty());
  }

  @Test
  void laterTurnWithoutRealThreadIdRunsFreshWithANotice() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("first")));
    FakeChildProcess first = launcher.child();
    emit(first, "{\"type\":\"turn.started\"}", "{\"type\":\"turn.completed\"}");
    notifications("turn/completed", 1);
    CompletableFuture<Void> ended = b.latestTurnEnded();
    first.exit(0);
    await(ended);

    await(b.turnStart(turn("second")));
    assertEquals(2, launcher.count());
    assertEquals(
        List.of("exec", "--json", "--skip-git-repo-check", "-C", work.toString(), "--", "second"),
        launcher.args());
    Event notice = notifications("error").get(0);
    assertTrue(notice.params().path("willRetry").asBoolean());
    assertEquals(
        ExecEventTranslator.CONTEXT_UNAVAILABLE,
        notice.params().path("error").path("message").asText());
  }

  // ---------------------------------------------------------------- AC4 (0.169: overrides work on
  // resume)

  @Test
  void resumeTurnAppliesAndKeepsOverrides() throws Exception {
    ExecBackend b = threaded();
    completeTurn(b, "first", "one");
    Path other = Files.createDirectories(tmp.resolve("other"));
    ObjectNode t = turn("second");
    t.put("model", "gpt-5.1").put("approvalPolicy", "never").put("cwd", other.toString());
    t.putObject("sandboxPolicy").put("type", "dangerFullAccess");
    t.putObject("outputSchema").put("type", "object");
    await(b.turnStart(t));
    assertTrue(b.supportsTurnOverrides());
    List<String> args = launcher.args();
    String schema = args.get(args.indexOf("--output-schema") + 1);
    assertEquals(
        List.of(
            "exec",
            "-s",
            "danger-full-access",
            "-C",
            other.toString(),
            "resume",
            "T-real",
            "--json",
            "--skip-git-repo-check",
            "-m",
            "gpt-5.1",
            "-c",
            "approval_policy=never",
            "--output-schema",
            schema,
            "--",
            "second"),
        args);
    assertEquals(other, launcher.spec().cwd());
    FakeChildProcess second = launcher.child();
    emit(second, "{\"type\":\"turn.completed\"}");
    notifications("turn/completed", 2);
    CompletableFuture<Void> ended = b.latestTurnEnded();
    second.exit(0);
    await(ended);

    await(b.turnStart(turn("third")));
    assertEquals(
        List.of(
            "exec",
            "-s",
            "danger-full-access",
            "-C",
            other.toString(),
            "resume",
            "T-real",
            "--json",
            "--skip-git-repo-check",
            "-m",
            "gpt-5.1",
            "-c",
            "approval_policy=never",
            "--",
            "third"),
        launcher.args(),
        "model, policy, sandbox and cwd persist; the output schema was for one turn");
  }

  @Test
  void externalSandboxPolicyIsIgnored() throws Exception {
    ExecBackend b = threaded();
    ObjectNode t = turn("p");
    t.putObject("sandboxPolicy").put("type", "externalSandbox");
    await(b.turnStart(t));
    assertFalse(launcher.args().contains("-s"), launcher.args().toString());
  }

  // ---------------------------------------------------------------- AC5

  @Test
  void outputSchemaFileLivesForItsTurnOnly() throws Exception {
    ExecBackend b = threaded();
    ObjectNode t = turn("p");
    t.putObject("outputSchema").put("type", "object").putObject("properties");
    await(b.turnStart(t));
    Path file = Path.of(launcher.args().get(launcher.args().indexOf("--output-schema") + 1));
    assertTrue(Files.exists(file));
    assertEquals("{\"type\":\"object\",\"properties\":{}}", Files.readString(file));
    assertTrue(file.getParent().getFileName().toString().startsWith("codex-mcp-schema-"));
    CompletableFuture<Void> ended = b.latestTurnEnded();
    launcher.child().exit(0);
    await(ended);
    assertFalse(Files.exists(file.getParent()), "deleted when the turn's process ended");

    ObjectNode empty = turn("q");
    empty.putObject("outputSchema");
    await(b.turnStart(empty));
    assertFalse(launcher.args().contains("--output-schema"));
  }

  @Test
  void destroyDeletesTheSchemaDirectory() throws Exception {
    ExecBackend b = threaded();
    ObjectNode t = turn("p");
    t.putObject("outputSchema").put("type", "object");
    await(b.turnStart(t));
    Path file = Path.of(launcher.args().get(launcher.args().indexOf("--output-schema") + 1));
    await(b.destroy());
    assertFalse(Files.exists(file.getParent()));
    try (Stream<Path> left = Files.list(schemas)) {
      assertEquals(0, left.count());
    }
  }

  // ---------------------------------------------------------------- AC6–AC12

  @Test
  void agentMessageAndCompletionCarryOutputAndUsage() throws Exception {
    ExecBackend b = threaded();
    completeTurn(b, "p", "hi");
    Event item = notifications("item/completed").get(0);
    assertEquals("agentMessage", item.params().path("item").path("type").asText());
    JsonNode turn = notifications("turn/completed").get(0).params().path("turn");
    assertEquals("completed", turn.path("status").asText());
    assertEquals("hi", turn.path("output").asText());
    assertEquals(2, turn.path("usage").path("output_tokens").asInt());
    assertEquals(1, notifications("turn/completed").size(), "no synthesized second end at exit");
    assertNull(b.childPid());
  }

  @Test
  void turnFailedEndsTheTurnWithItsError() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    emit(
        launcher.child(),
        "{\"type\":\"turn.started\"}",
        "{\"type\":\"error\",\"message\":\"Reconnecting... 2/5 (stream closed)\"}",
        "{\"type\":\"error\",\"message\":\"fatal\"}",
        "{\"type\":\"turn.failed\",\"error\":{\"message\":\"fatal\"}}");
    JsonNode turn = notifications("turn/completed", 1).get(0).params().path("turn");
    assertEquals("failed", turn.path("status").asText());
    assertEquals("fatal", turn.path("error").path("message").asText());
    List<Event> errors = notifications("error");
    assertTrue(errors.get(0).params().path("willRetry").asBoolean());
    assertFalse(errors.get(1).params().path("willRetry").asBoolean());
    CompletableFuture<Void> ended = b.latestTurnEnded();
    launcher.child().exit(1);
    await(ended);
    assertEquals(
        1, notifications("turn/completed").size(), "exit 1 after turn.failed adds nothing");
    assertEquals(2, notifications("error").size());
  }

  @Test
  void unmappedAndMalformedLinesAreSkipped() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    emit(
        launcher.child(),
        "Reading additional input from stdin...",
        "{\"type\":\"brand.new.event\"}",
        "{\"type\":\"item.completed\",\"item\":{\"type\":",
        "[1,2]",
        "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"still here\"}}",
        "{\"type\":\"turn.completed\"}");
    JsonNode turn = notifications("turn/completed", 1).get(0).params().path("turn");
    assertEquals("still here", turn.path("output").asText());
    assertEquals(List.of("item/completed", "turn/completed"), methods());
  }

  // ---------------------------------------------------------------- AC13–AC15

  @Test
  void exitZeroWithoutCompletionSynthesizesACompletedTurn() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    emit(
        launcher.child(),
        "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"partial\"}}");
    notifications("item/completed", 1);
    launcher.child().exit(0);
    JsonNode turn = notifications("turn/completed", 1).get(0).params().path("turn");
    assertEquals("completed", turn.path("status").asText());
    assertEquals("partial", turn.path("output").asText());
    assertTrue(listener.events("exit").isEmpty(), "a turn's process ending is normal");
  }

  @Test
  void nonZeroExitReportsAnErrorThenAFailedTurn() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    FakeChildProcess child = launcher.child();
    ExecFakeLauncher.stderr(
        child, "WARNING: noise\nError: thread/resume: no rollout found for thread id X\n");
    child.exit(1);
    JsonNode turn = notifications("turn/completed", 1).get(0).params().path("turn");
    assertEquals(List.of("error", "turn/completed"), methods());
    Event error = notifications("error").get(0);
    assertEquals(
        "exec process exited with code 1", error.params().path("error").path("message").asText());
    assertFalse(error.params().path("willRetry").asBoolean());
    assertEquals("failed", turn.path("status").asText());
    assertEquals("exec process exited with code 1", turn.path("error").path("message").asText());
    assertTrue(
        turn.path("error").path("additionalDetails").asText().contains("no rollout found"),
        turn.toString());
  }

  @Test
  void interruptStopsTheChildAndFailsTheTurn() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    emit(launcher.child(), "{\"type\":\"turn.started\"}");
    notifications("turn/started", 1);
    await(b.turnInterrupt(Json.object().put("threadId", "x").put("turnId", "y")));
    assertEquals(List.of(ExecBackend.KILL_GRACE), launcher.child().terminations());
    JsonNode turn = notifications("turn/completed", 1).get(0).params().path("turn");
    assertEquals("failed", turn.path("status").asText());
    assertEquals(
        "exec process killed by signal SIGTERM", turn.path("error").path("message").asText());
    assertTrue(notifications("error").isEmpty(), "killed, not crashed: no error status");
    await(b.turnInterrupt(Json.object()));
    assertEquals(
        1, launcher.child().terminations().size(), "interrupt without a running turn is a no-op");
  }

  @Test
  void unexpectedSignalFailsTheTurn() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    launcher.child().exit(137);
    JsonNode turn = notifications("turn/completed", 1).get(0).params().path("turn");
    assertEquals(
        "exec process killed by signal SIGKILL", turn.path("error").path("message").asText());
  }

  // ---------------------------------------------------------------- AC16–AC18

  @Test
  void forkAndResumeAreNotSupported() throws Exception {
    ExecBackend b = threaded();
    Throwable fork = failure(b.threadFork(Json.object().put("threadId", "x")));
    assertEquals(
        "Error [EXEC_NOT_SUPPORTED]: threadFork is not supported in exec mode", fork.getMessage());
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, ((CodexMcpException) fork).code());
    Throwable resume = failure(b.threadResume(Json.object().put("threadId", "x")));
    assertEquals(
        "Error [EXEC_NOT_SUPPORTED]: threadResume is not supported in exec mode",
        resume.getMessage());
  }

  @Test
  void backgroundTerminalCleanAndResponsesAreNoOps() throws Exception {
    ExecBackend b = threaded();
    assertTrue(
        await(b.threadBackgroundTerminalsClean(Json.object().put("threadId", "x"))).isObject());
    b.respond(Json.NODES.numberNode(1), Json.object());
    b.respondError(Json.NODES.numberNode(2), -32601, "nope");
    assertEquals(0, launcher.count());
    assertTrue(listener.events().isEmpty());
  }

  // ---------------------------------------------------------------- process binding

  @Test
  void aSupersededTurnsProcessCannotCompleteTheNewTurn() throws Exception {
    ExecBackend b = threaded();
    launcher.ignoreTerminate();
    await(b.turnStart(turn("first")));
    FakeChildProcess first = launcher.child();
    emit(
        first,
        "{\"type\":\"thread.started\",\"thread_id\":\"T-real\"}",
        "{\"type\":\"turn.started\"}");
    notifications("turn/started", 1);
    CompletableFuture<Void> firstEnded = b.latestTurnEnded();

    // The first turn has not ended: it is stopped, and the new child waits for it to go.
    CompletableFuture<JsonNode> second = b.turnStart(turn("second"));
    assertEquals(List.of(ExecBackend.KILL_GRACE), first.terminations());
    assertFalse(second.isDone());
    assertEquals(1, launcher.count());
    emit(
        first,
        "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"late\"}}");
    first.exit(0);
    await(second);
    await(firstEnded);
    assertEquals(2, launcher.count());
    assertTrue(
        notifications("turn/completed").isEmpty(), "nothing from the old process: " + methods());
    assertTrue(notifications("item/completed").isEmpty());

    FakeChildProcess current = launcher.child();
    emit(current, "{\"type\":\"turn.completed\"}");
    assertEquals(1, notifications("turn/completed", 1).size());
  }

  @Test
  void aFinishedTurnsProcessGetsTimeToExitBeforeTheNextTurn() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("first")));
    FakeChildProcess first = launcher.child();
    emit(
        first,
        "{\"type\":\"thread.started\",\"thread_id\":\"T-real\"}",
        "{\"type\":\"turn.completed\"}");
    notifications("turn/completed", 1);

    CompletableFuture<JsonNode> second = b.turnStart(turn("second"));
    assertFalse(second.isDone(), "waits for the previous process to write its session and exit");
    assertTrue(first.terminations().isEmpty());
    timer.advance(ExecProcesses.PREVIOUS_EXIT_WAIT);
    assertEquals(List.of(ExecBackend.KILL_GRACE), first.terminations(), "stopped after the wait");
    await(second);
    assertEquals(2, launcher.count());
    assertTrue(launcher.args().contains("resume"));
    assertEquals(1, notifications("turn/completed").size(), "the stopped process adds no end");
  }

  @Test
  void spawnFailureFailsTheTurnStart() throws Exception {
    ExecBackend b = threaded();
    launcher.failWith(
        new IOException("Cannot run program \"/opt/codex\": error=2, No such file or directory"));
    Throwable e = failure(b.turnStart(turn("p")));
    assertTrue(e.getMessage().contains("No such file"), e.getMessage());
    assertNull(b.childPid());
    assertTrue(listener.events().isEmpty());
    await(b.latestTurnEnded());
  }

  // ---------------------------------------------------------------- destroy

  @Test
  void destroyStopsTheChildSilencesTheListenerAndFailsLaterCalls() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("p")));
    FakeChildProcess child = launcher.child();
    CompletableFuture<Void> done = b.destroy();
    assertSame(done, b.destroy(), "idempotent");
    await(done);
    assertTrue(b.isDestroyed());
    assertEquals(List.of(ExecBackend.KILL_GRACE), child.terminations());
    assertTrue(
        listener.events().isEmpty(), "no synthesized end after destroy: " + listener.events());
    assertEquals("Client destroyed", failure(b.turnStart(turn("q"))).getMessage());
    assertEquals("Client destroyed", failure(b.threadStart(Json.object())).getMessage());
    assertEquals("Client destroyed", failure(b.start()).getMessage());
    assertNull(b.childPid());
  }

  @Test
  void destroyWithoutChildCompletes() throws Exception {
    ExecBackend b = threaded();
    await(b.destroy());
    assertEquals(0, launcher.count());
  }

  @Test
  void destroyDuringTheWaitForThePreviousProcessStopsBoth() throws Exception {
    ExecBackend b = threaded();
    await(b.turnStart(turn("first")));
    FakeChildProcess first = launcher.child();
    emit(first, "{\"type\":\"turn.completed\"}");
    notifications("turn/completed", 1);
    CompletableFuture<JsonNode> second = b.turnStart(turn("second"));
    await(b.destroy());
    assertEquals(1, first.terminations().size());
    assertEquals("Client destroyed", failure(second).getMessage());
    assertEquals(1, launcher.count(), "nothing spawned after destroy");
  }
}
