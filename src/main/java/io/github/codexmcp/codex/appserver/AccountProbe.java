package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.StderrTail;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks Codex itself what it needs to run: starts {@code codex app-server} with the configuration a
 * session would get (same executable, environment and working directory), sends {@code initialize}
 * and {@code account/read}, and stops the process. {@code requiresOpenaiAuth} false means the
 * configured model provider needs no OpenAI login (a custom provider, a local one); {@code account}
 * says which login, if any, Codex found.
 *
 * <p>Blocking: {@link #read} waits for the process (at most the timeout plus the stop grace); call
 * it from a work thread. Stateless apart from its configuration; thread-safe.
 */
public final class AccountProbe {
  /** What Codex reported; {@code accountType} is null when no account is known. */
  public record Account(boolean requiresOpenaiAuth, String accountType) {}

  /** The probe's outcome: the account, or why it could not be read. */
  public record Outcome(Account account, String failure) {
    static Outcome failed(String why) {
      return new Outcome(null, why);
    }
  }

  private final ProcessLauncher launcher;
  private final Timer timer;
  private final Map<String, String> environment;
  private final ResolvedExecutable executable;

  public AccountProbe(
      ResolvedExecutable executable,
      ProcessLauncher launcher,
      Timer timer,
      Map<String, String> environment) {
    this.executable = executable;
    this.launcher = launcher;
    this.timer = timer;
    this.environment = Map.copyOf(environment);
  }

  /** Runs the probe with {@code cwd} as the app-server's working directory (may be null). */
  public Outcome read(Path cwd, Duration timeout) {
    ProcessSpec base =
        new AppServerBackendFactory(executable, launcher, timer, environment, true)
            .processSpec(null);
    ProcessSpec spec = new ProcessSpec(base.command(), cwd, base.env(), false);
    ChildProcess child;
    try {
      child = launcher.start(spec);
    } catch (Exception e) {
      return Outcome.failed("could not start codex app-server: " + ErrorMessages.messageOf(e));
    }
    JsonRpcConnection conn =
        new JsonRpcConnection(
            "account-probe",
            child.stdin(),
            timer,
            new JsonRpcConnection.Handler() {
              @Override
              public void onNotification(String method, JsonNode params) {}

              @Override
              public void onRequest(JsonNode id, String method, JsonNode params) {}
            });
    try {
      StderrTail.start(child.stderr(), "codex-account-probe-err", 20, line -> {});
      conn.startReading(child.stdout(), "codex-account-probe-out");
      ObjectNode init = Json.object();
      init.putObject("clientInfo")
          .put("name", AppServerBackend.CLIENT_NAME)
          .put("version", AppServerBackend.CLIENT_VERSION);
      JsonNode result =
          conn.request("initialize", init, timeout)
              .thenCompose(
                  r -> {
                    conn.notify("initialized", null);
                    return conn.request("account/read", Json.object(), timeout);
                  })
              .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      return parse(result);
    } catch (ExecutionException e) {
      return Outcome.failed(ErrorMessages.messageOf(e.getCause()));
    } catch (TimeoutException e) {
      return Outcome.failed("codex app-server did not answer within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    } finally {
      conn.close(new IllegalStateException("account probe done"));
      child.terminate(Duration.ofMillis(500));
    }
  }

  /** The outcome of an {@code account/read} result. */
  public static Outcome parse(JsonNode result) {
    JsonNode requires = result == null ? null : result.get("requiresOpenaiAuth");
    if (requires == null || !requires.isBoolean()) {
      return Outcome.failed("account/read answered without requiresOpenaiAuth");
    }
    JsonNode account = result.get("account");
    String type =
        account != null && account.isObject() ? account.path("type").asText("unknown") : null;
    return new Outcome(new Account(requires.booleanValue(), type), null);
  }
}
