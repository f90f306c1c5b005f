package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.AppServerBackendFactory;
import io.github.codexmcp.codex.appserver.NativeCodexLocator;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.appserver.RecordingListener;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ScheduledTimer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code AppServerBackend} against the real native codex (the tested version, installed under
 * {@code ~/.cache/codex-mcp/codex-cli-<version>} or {@code $CODEX_MCP_TEST_CODEX_DIR}) with a
 * private HOME/CODEX_HOME whose model provider points at an unused loopback port (no model turn
 * runs).
 */
@Timeout(120)
class AppServerBackendIT {
  @TempDir Path tmp;
  private Path codexHome;
  private Path work;
  private ScheduledTimer timer;
  private ProcessLauncher launcher;
  private Map<String, String> env;
  private final List<CodexBackend> backends = new java.util.ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home"));
    codexHome = Files.createDirectories(home.resolve(".codex"));
    work = Files.createDirectories(tmp.resolve("work"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        codexHome.resolve("config.toml"),
        "model = \"base-model\"\n"
            + "model_provider = \"mock\"\n"
            + "\n"
            + "[model_providers.mock]\n"
            + "name = \"mock\"\n"
            + "base_url = \"http://127.0.0.1:"
            + port
            + "/v1\"\n"
            + "wire_api = \"responses\"\n"
            + "request_max_retries = 0\n"
            + "stream_max_retries = 0\n"
            + "\n"
            + "[profiles.legacy]\n"
            + "model = \"legacy-model\"\n");
    Files.writeString(codexHome.resolve("fast.config.toml"), "model = \"profile-model\"\n");
    env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("CODEX_HOME", codexHome.toString());
    env.put("OPENAI_API_KEY", "dummy");
    env.put("RUST_LOG", "warn");
    timer = new ScheduledTimer();
    SystemProcessLauncher system = new SystemProcessLauncher(timer);
    // Children inherit the test JVM's environment plus the private homes.
    launcher =
        spec -> {
          Map<String, String> merged = new HashMap<>(spec.env());
          merged.putAll(env);
          return system.start(
              new ProcessSpec(spec.command(), spec.cwd(), merged, spec.stdinFromNull()));
        };
  }

  @AfterEach
  void tearDown() throws Exception {
    for (CodexBackend b : backends) {
      b.destroy().get(15, TimeUnit.SECONDS);
    }
    timer.close();
  }

  private static Path npmLauncher() {
    return CodexCli.get().launcher();
  }

  private AppServerBackendFactory factory() {
    return new AppServerBackendFactory(
        new ResolvedExecutable(npmLauncher().toString(), true, "env_path"),
        launcher,
        timer,
        env,
        true);
  }

  private CodexBackend started(LaunchOptions options, RecordingListener listener) throws Exception {
    CodexBackend b = factory().create("it" + backends.size(), options);
    backends.add(b);
    b.setListener(listener);
    JsonNode init = b.start().get(30, TimeUnit.SECONDS);
    assertTrue(init.path("userAgent").asText().contains(CodexCli.get().version()), init.toString());
    return b;
  }

  private JsonNode threadStart(CodexBackend b) throws Exception {
    ObjectNode p = Json.object().put("cwd", work.toString());
    return b.threadStart(p).get(60, TimeUnit.SECONDS);
  }

  private static LaunchOptions options(String profile, String model, String approval) {
    return new LaunchOptions(profile, model, approval, null, null, null);
  }

  @Test
  void spawnsTheNativeBinaryDirectly() {
    Optional<Path> nativeBinary = NativeCodexLocator.locate(npmLauncher());
    assertTrue(nativeBinary.isPresent());
    assertTrue(nativeBinary.get().toString().contains("vendor"), nativeBinary.toString());
    List<String> argv = factory().command(options(null, null, null));
    assertEquals(List.of(nativeBinary.get().toString(), "app-server"), argv);
  }

  @Test
  void startsThreadsForksAndLeavesNoProcessAfterDestroy() throws Exception {
    RecordingListener listener = new RecordingListener();
    CodexBackend b = started(options(null, null, null), listener);
    Long pid = b.childPid();
    assertNotNull(pid);
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow();

    JsonNode started = threadStart(b);
    String threadId = started.path("thread").path("id").asText();
    assertFalse(threadId.isEmpty(), started.toString());
    assertEquals("base-model", started.path("model").asText());

    // 0.169 writes the rollout with the first user message; a thread without one cannot be
    // forked ("no rollout found"). Start a turn (the model port is dead) and interrupt it.
    ObjectNode turnParams = Json.object().put("threadId", threadId);
    turnParams.putArray("input").addObject().put("type", "text").put("text", "hi");
    String turnId =
        b.turnStart(turnParams).get(60, TimeUnit.SECONDS).path("turn").path("id").asText();
    listener.await(
        e ->
            "item/completed".equals(e.method())
                && "userMessage".equals(e.params().path("item").path("type").asText()),
        1);
    b.turnInterrupt(Json.object().put("threadId", threadId).put("turnId", turnId))
        .get(30, TimeUnit.SECONDS);
    listener.await(e -> "turn/completed".equals(e.method()), 1);

    JsonNode forked =
        b.threadFork(Json.object().put("threadId", threadId)).get(60, TimeUnit.SECONDS);
    String forkId = forked.path("thread").path("id").asText();
    assertFalse(forkId.isEmpty(), forked.toString());
    assertNotEquals(threadId, forkId);

    List<ProcessHandle> tree = ProcessTree.descendants(child);
    b.destroy().get(15, TimeUnit.SECONDS);
    child.onExit().get(10, TimeUnit.SECONDS);
    for (ProcessHandle h : tree) {
      ProcessAssertions.awaitGone(h.pid(), 10, TimeUnit.SECONDS);
    }
    assertFalse(child.isAlive());
    assertTrue(listener.events("exit").isEmpty(), "destroy reports no exit");
    assertTrue(
        listener.events("notification").stream().anyMatch(e -> e.method().equals("thread/started")),
        listener.events().toString());
  }

  @Test
  void profileFileSelectsItsModel() throws Exception {
    CodexBackend b = started(options("fast", null, null), new RecordingListener());
    assertEquals("profile-model", threadStart(b).path("model").asText());
  }

  @Test
  void explicitModelOverridesTheProfile() throws Exception {
    CodexBackend b = started(options("fast", "explicit-model", null), new RecordingListener());
    assertEquals("explicit-model", threadStart(b).path("model").asText());
  }

  @Test
  void legacyProfilesTableIsUsedWhenThereIsNoProfileFile() throws Exception {
    CodexBackend b = started(options("legacy", null, null), new RecordingListener());
    assertEquals("legacy-model", threadStart(b).path("model").asText());
  }

  @Test
  void onFailureApprovalPolicyStartsAsOnRequest() throws Exception {
    CodexBackend b = started(options(null, null, "on-failure"), new RecordingListener());
    JsonNode started = threadStart(b);
    assertEquals("on-request", started.path("approvalPolicy").asText());
    ObjectNode params =
        Json.object().put("cwd", work.toString()).put("approvalPolicy", "on-failure");
    assertEquals(
        "on-request",
        b.threadStart(params).get(60, TimeUnit.SECONDS).path("approvalPolicy").asText());
  }

  @Test
  void killedChildIsReportedAsExit() throws Exception {
    RecordingListener listener = new RecordingListener();
    CodexBackend b = started(options(null, null, null), listener);
    ProcessHandle.of(b.childPid()).orElseThrow().destroyForcibly();
    RecordingListener.Event exit = listener.awaitKind("exit", 1).get(0);
    assertEquals("null/SIGKILL", exit.detail());
    CompletableFuture<JsonNode> after = b.threadStart(Json.object());
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> after.get(10, TimeUnit.SECONDS));
    assertEquals("app-server exited (code: null, signal: SIGKILL)", e.getCause().getMessage());
  }
}
