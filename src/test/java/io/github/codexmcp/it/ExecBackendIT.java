package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.exec.ExecBackend;
import io.github.codexmcp.codex.exec.ExecBackendFactory;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ScheduledTimer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ExecBackend} against the real, pinned Codex CLI (native binary) and the scripted model:
 * answers, resumed turns that keep the conversation, commands, structured output, interrupt and
 * destroy during a running command (no process may survive), and fork refusal.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExecBackendIT {
  private static final Duration STEP = Duration.ofSeconds(60);

  private static CodexCli cli;
  private ScriptedModelServer model;
  private CodexTestHome home;
  private ScheduledTimer timer;
  private Listener listener;
  private ExecBackend backend;

  @BeforeAll
  static void locateCli() {
    cli = CodexCli.get(); // fails (never skips) when the CLI cannot be installed
  }

  @BeforeEach
  void setUp() throws IOException {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    timer = new ScheduledTimer();
    listener = new Listener();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (backend != null) {
      backend.destroy().get(15, TimeUnit.SECONDS);
    }
    timer.close();
    model.close();
    home.close();
  }

  /** Children get the test home's environment (HOME, CODEX_HOME, a dummy API key). */
  private ProcessLauncher launcher() {
    SystemProcessLauncher system = new SystemProcessLauncher(timer);
    Map<String, String> homeEnv = home.env();
    return spec -> {
      Map<String, String> env = new HashMap<>(homeEnv);
      env.putAll(spec.env());
      return system.start(new ProcessSpec(spec.command(), spec.cwd(), env, spec.stdinFromNull()));
    };
  }

  private ExecBackend start(LaunchOptions options) throws Exception {
    ExecBackendFactory factory =
        new ExecBackendFactory(
            new ResolvedExecutable(cli.launcher().toString(), true, "env_path"),
            launcher(),
            timer,
            home.env(),
            true);
    assertTrue(
        factory.commandPrefix().get(0).equals(cli.nativeBinary().toString()),
        "the native binary replaces the npm launcher: " + factory.commandPrefix());
    backend = factory.create("it", options);
    backend.setListener(listener);
    await(backend.start());
    ObjectNode thread = Json.object().put("cwd", home.workDir().toString());
    putIf(thread, "sandbox", options.sandbox());
    await(backend.threadStart(thread));
    return backend;
  }

  private ExecBackend start() throws Exception {
    return start(new LaunchOptions(null, null, null, null, null, home.workDir()));
  }

  private static void putIf(ObjectNode o, String k, String v) {
    if (v != null) {
      o.put(k, v);
    }
  }

  private static ObjectNode turn(String prompt) {
    ObjectNode t = Json.object().put("threadId", "unused");
    t.putArray("input").addObject().put("type", "text").put("text", prompt);
    return t;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts a turn and waits for its {@code turn/completed}; returns the {@code turn} object. */
  private JsonNode runTurn(ObjectNode turn) throws Exception {
    int before = listener.count("turn/completed");
    await(backend.turnStart(turn));
    return listener.await("turn/completed", before + 1).path("turn");
  }

  @Test
  void plainAnswerThenResumedTurnsContinueTheConversation() throws Exception {
    start();
    model.enqueue(
        ScriptedReply.text("alpha answer"),
        ScriptedReply.text("beta answer"),
        ScriptedReply.text("gamma answer"));

    JsonNode first = runTurn(turn("first question"));
    assertEquals("completed", first.path("status").asText(), listener.log());
    assertEquals("alpha answer", first.path("output").asText(), listener.log());
    String realThread = backend.realThreadId();
    assertNotNull(realThread, listener.log());
    assertFalse(realThread.startsWith("exec_thread_"));
    assertEquals(realThread, listener.first("thread/started").path("thread").path("id").asText());

    JsonNode second = runTurn(turn("second question"));
    assertEquals("beta answer", second.path("output").asText(), listener.log());

    Path other = Files.createDirectories(home.root().resolve("other")).toRealPath();
    ObjectNode third = turn("third question").put("cwd", other.toString());
    third.putObject("sandboxPolicy").put("type", "readOnly");
    JsonNode thirdTurn = runTurn(third);
    assertEquals("gamma answer", thirdTurn.path("output").asText(), listener.log());
    assertEquals(realThread, backend.realThreadId(), "resume keeps the thread");

    List<JsonNode> requests = model.requests();
    assertEquals(3, requests.size());
    JsonNode last = requests.get(2);
    for (String earlier :
        List.of("first question", "alpha answer", "second question", "beta answer")) {
      assertTrue(
          ScriptedModelServer.inputContains(last, earlier), earlier + " missing from turn 3");
    }
    assertEquals("third question", ScriptedModelServer.lastUserText(last));
    assertTrue(
        ScriptedModelServer.inputContains(last, other.toString()),
        "-C before `resume` moves the resumed turn to the new cwd");
  }

  @Test
  void commandTurnCreatesItsFile() throws Exception {
    start();
    ScriptedReply command = ScriptedReply.command("echo hi > made.txt");
    model.enqueue(command);
    JsonNode turn = runTurn(turn("make a file"));
    assertEquals("completed", turn.path("status").asText(), listener.log());
    Path made = home.workDir().resolve("made.txt");
    assertTrue(Files.exists(made), listener.log());
    assertEquals("hi\n", Files.readString(made));
    JsonNode item =
        listener.find(
            "item/completed", p -> "commandExecution".equals(Json.text(p.path("item"), "type")));
    assertNotNull(item, listener.log());
    assertEquals(0, item.path("item").path("exitCode").asInt(-1), item.toString());
    assertEquals("completed", item.path("item").path("status").asText());
    assertEquals("done", turn.path("output").asText());
  }

  @Test
  void outputSchemaTurnReturnsTheJsonText() throws Exception {
    start();
    ObjectNode answer = Json.object().put("answer", 42);
    model.enqueue(ScriptedReply.structured(answer));
    ObjectNode t = turn("give me json");
    ObjectNode schema = t.putObject("outputSchema");
    schema.put("type", "object").put("additionalProperties", false);
    schema.putObject("properties").putObject("answer").put("type", "integer");
    schema.putArray("required").add("answer");
    JsonNode turn = runTurn(t);
    assertEquals("completed", turn.path("status").asText(), listener.log());
    assertEquals(answer, Json.parse(turn.path("output").asText()));
    JsonNode format = model.lastRequest().path("text").path("format");
    assertEquals("json_schema", format.path("type").asText(), model.lastRequest().toString());
    assertEquals(schema, format.path("schema"));
  }

  @Test
  void interruptDuringALongCommandLeavesNoProcess() throws Exception {
    start(new LaunchOptions(null, null, null, "danger-full-access", null, home.workDir()));
    model.enqueue(ScriptedReply.longCommand());
    await(backend.turnStart(turn("sleep for a while")));
    List<ProcessHandle> sleeps = awaitSleepDescendants();

    await(backend.turnInterrupt(Json.object()));
    JsonNode turn = listener.await("turn/completed", 1).path("turn");
    assertEquals("failed", turn.path("status").asText(), listener.log());
    assertEquals(
        "exec process killed by signal SIGTERM", turn.path("error").path("message").asText());
    assertAllExit(sleeps);
    assertTrue(sleepDescendants(ProcessHandle.current()).isEmpty());
  }

  @Test
  void destroyDuringALongCommandLeavesNoProcess() throws Exception {
    start(new LaunchOptions(null, null, null, "danger-full-access", null, home.workDir()));
    model.enqueue(ScriptedReply.longCommand());
    await(backend.turnStart(turn("sleep for a while")));
    List<ProcessHandle> sleeps = awaitSleepDescendants();
    long pid = backend.childPid();
    ProcessHandle codex = ProcessHandle.of(pid).orElseThrow();

    backend.destroy().get(15, TimeUnit.SECONDS);
    assertTrue(backend.isDestroyed());
    assertAllExit(sleeps);
    codex.onExit().get(10, TimeUnit.SECONDS);
    assertEquals(0, listener.count("turn/completed"), "a destroyed backend reports nothing");
  }

  @Test
  void forkIsNotSupported() throws Exception {
    start();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> backend.threadFork(Json.object().put("threadId", "x")).get(5, TimeUnit.SECONDS));
    CodexMcpException cause = (CodexMcpException) e.getCause();
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, cause.code());
    assertEquals(
        "Error [EXEC_NOT_SUPPORTED]: threadFork is not supported in exec mode", cause.getMessage());
  }

  // ---------------------------------------------------------------- processes

  /** The {@code sleep 30} processes below the turn's child, once the command runs. */
  private List<ProcessHandle> awaitSleepDescendants() {
    List<ProcessHandle> found = new ArrayList<>();
    waitFor(
        () -> {
          Long pid = backend.childPid();
          if (pid == null) {
            return false;
          }
          ProcessHandle.of(pid).ifPresent(h -> found.addAll(sleepDescendants(h)));
          return !found.isEmpty();
        },
        "a `sleep 30` below the codex exec child\n" + listener.log());
    return found;
  }

  private static List<ProcessHandle> sleepDescendants(ProcessHandle root) {
    return root.descendants().filter(ExecBackendIT::isSleep30).collect(Collectors.toList());
  }

  private static boolean isSleep30(ProcessHandle h) {
    ProcessHandle.Info info = h.info();
    String cmd = info.command().orElse("");
    String[] args = info.arguments().orElse(new String[0]);
    return cmd.endsWith("/sleep") && args.length == 1 && args[0].equals("30");
  }

  private static void assertAllExit(List<ProcessHandle> processes) throws Exception {
    for (ProcessHandle h : processes) {
      try {
        h.onExit().get(15, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail("`sleep 30` (pid " + h.pid() + ") survived");
      }
    }
  }

  private static void waitFor(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + STEP.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  // ---------------------------------------------------------------- listener

  /** Records notifications; waits on its monitor. */
  private static final class Listener implements BackendListener {
    private final List<String> methods = new ArrayList<>();
    private final List<JsonNode> params = new ArrayList<>();

    @Override
    public synchronized void onNotification(String method, JsonNode p) {
      methods.add(method);
      params.add(p);
      notifyAll();
    }

    @Override
    public void onServerRequest(JsonNode id, String method, JsonNode p) {
      fail("exec mode sent a server request: " + method);
    }

    @Override
    public synchronized void onExit(Integer code, String signal) {
      methods.add("<exit " + code + "/" + signal + ">");
      params.add(Json.object());
      notifyAll();
    }

    @Override
    public synchronized void onError(Throwable error) {
      methods.add("<error " + error + ">");
      params.add(Json.object());
      notifyAll();
    }

    synchronized int count(String method) {
      int n = 0;
      for (String m : methods) {
        if (m.equals(method)) {
          n++;
        }
      }
      return n;
    }

    synchronized JsonNode first(String method) {
      return find(method, p -> true);
    }

    synchronized JsonNode find(String method, Predicate<JsonNode> match) {
      for (int i = 0; i < methods.size(); i++) {
        if (methods.get(i).equals(method) && match.test(params.get(i))) {
          return params.get(i);
        }
      }
      return null;
    }

    /** Waits for the {@code n}-th notification {@code method}; returns its params. */
    synchronized JsonNode await(String method, int n) throws InterruptedException {
      long deadline = System.nanoTime() + STEP.toNanos();
      while (true) {
        int seen = 0;
        for (int i = 0; i < methods.size(); i++) {
          if (methods.get(i).equals(method) && ++seen == n) {
            return params.get(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("timed out waiting for " + method + " #" + n + "\n" + log());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    synchronized String log() {
      StringBuilder sb = new StringBuilder("--- notifications\n");
      for (int i = 0; i < methods.size(); i++) {
        String p = Json.write(params.get(i));
        sb.append(methods.get(i))
            .append(' ')
            .append(p.length() > 300 ? p.substring(0, 300) + "..." : p)
            .append('\n');
      }
      return sb.toString();
    }
  }
}
