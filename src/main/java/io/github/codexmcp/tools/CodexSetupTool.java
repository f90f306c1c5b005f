package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.BackendModeDetector;
import io.github.codexmcp.codex.CodexBinaryResolver;
import io.github.codexmcp.codex.CodexInvocation;
import io.github.codexmcp.codex.CodexVersionProbe;
import io.github.codexmcp.codex.CodexVersionRange;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.AccountProbe;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.CommandRunner;
import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code codex_setup}: local readiness report. Never fails; problems land in the report. Readiness
 * follows what Codex will need ({@link SetupAuth}); the report also says how disk persistence is
 * doing.
 *
 * <p><b>Threads.</b> {@link #call} hands the report to {@code work} (the server gives it the tool
 * calls' pool, not the one the sessions' inboxes run on) and returns; the report blocks that thread
 * while it runs Codex ({@code --version}, the login probe, which waits for the probe's app-server
 * up to twice its timeout) and reads files. No lock, no state of its own.
 */
public final class CodexSetupTool implements ToolHandler {
  /** Disk persistence as the report shows it: {@code on}, {@code degraded} or {@code off}. */
  public record PersistenceState(String state, String detail) {}

  /**
   * Asks Codex which login it needs ({@code account/read} of an app-server started in {@code cwd});
   * null or a failed outcome leaves the decision to {@code codex login status}. Blocking.
   */
  public interface AccountReader {
    AccountProbe.Outcome read(ResolvedExecutable exe, Path cwd);

    /** Never asks: the login status decides. */
    AccountReader NONE = (exe, cwd) -> null;
  }

  private final ServerConfig config;
  private final CommandRunner runner;
  private final Executor work;
  private final Supplier<PersistenceState> persistence;
  private final SetupAuth auth;
  private final CodexVersionRange tested;

  /**
   * @param persistence the persistence state at the time of the call
   * @param accounts asks Codex (app-server) which login it needs
   */
  public CodexSetupTool(
      ServerConfig config,
      CommandRunner runner,
      Executor work,
      Supplier<PersistenceState> persistence,
      AccountReader accounts) {
    this(config, runner, work, persistence, accounts, CodexVersionRange.bundled());
  }

  /**
   * @param tested the Codex versions this build was tested with; others get a warning
   */
  public CodexSetupTool(
      ServerConfig config,
      CommandRunner runner,
      Executor work,
      Supplier<PersistenceState> persistence,
      AccountReader accounts,
      CodexVersionRange tested) {
    this.config = config;
    this.runner = runner;
    this.work = work;
    this.persistence = persistence;
    this.auth = new SetupAuth(runner, accounts);
    this.tested = tested;
  }

  /** Without asking Codex: the login status alone decides. */
  public CodexSetupTool(
      ServerConfig config,
      CommandRunner runner,
      Executor work,
      Supplier<PersistenceState> persistence) {
    this(config, runner, work, persistence, AccountReader.NONE);
  }

  @Override
  public String name() {
    return "codex_setup";
  }

  @Override
  public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
    return CompletableFuture.supplyAsync(
        () -> ToolOutcome.success(report(Json.text(args, "cwd"))), work);
  }

  /** Builds the readiness report for {@code cwdArg} (blank → server cwd; used as given). */
  public ObjectNode report(String cwdArg) {
    String cwd = cwdArg == null || cwdArg.trim().isEmpty() ? config.serverCwd().toString() : cwdArg;
    Map<String, String> env = config.env();
    CodexBinaryResolver resolver =
        new CodexBinaryResolver(env, config.serverCwd(), config.platform());
    List<String> warnings = new ArrayList<>();
    List<String> nextSteps = new ArrayList<>();
    ObjectNode executable = Json.object();
    ObjectNode auth = Json.object();
    List<String> probeWarnings = new ArrayList<>();
    ResolvedExecutable exe = null;
    try {
      exe = resolver.resolve();
    } catch (CodexBinaryResolver.ResolutionException e) {
      executable.put("ok", false).put("source", "error").put("detail", e.getMessage());
      auth.put("ok", false)
          .put("state", "unknown")
          .put("detail", "Auth status not checked because executable resolution failed.");
    }
    if (exe != null && exe.source().equals("default")) {
      executable
          .put("ok", false)
          .put("source", "default")
          .put("command", "codex")
          .put("isPath", false);
      executable.put(
          "detail",
          "No codex executable was auto-detected; the server would fall back to `codex` and let process spawn fail later.");
      auth.put("ok", false)
          .put("state", "unknown")
          .put("detail", "Auth status not checked because no codex executable was detected.");
      exe = null;
    } else if (exe != null) {
      executable
          .put("ok", true)
          .put("source", exe.source())
          .put("command", exe.command())
          .put("isPath", exe.isPath());
      executable.put("detail", "Codex resolves via " + exe.source() + ".");
    }
    boolean internal = false;
    String clientMode = null;
    String codexVersion = null;
    if (exe != null) {
      CodexInvocation invocation = new CodexInvocation(config.platform(), env, resolver);
      internal = isInternal(exe.command());
      codexVersion = new CodexVersionProbe(runner, invocation.build(exe, List.of()).argv()).get();
      BackendMode mode =
          new BackendModeDetector(runner).detect(env, invocation.build(exe, List.of()).argv());
      clientMode = mode.wireName();
      Path dir = Path.of(cwd);
      auth =
          this.auth.report(
              exe,
              invocation,
              internal,
              mode == BackendMode.APP_SERVER,
              Files.isDirectory(dir) ? dir : config.serverCwd(),
              probeWarnings);
    }
    if (!executable.get("ok").asBoolean()) {
      warnings.add(executable.get("detail").asText());
      nextSteps.add(
          "Install Codex or fix CODEX_MCP_COMMAND / CODEX_MCP_PATH so the executable can be resolved.");
    }
    String state = auth.get("state").asText();
    if (state.equals("unauthenticated")) {
      warnings.add(auth.get("detail").asText());
      nextSteps.add("Run `codex login` and rerun `codex_setup`.");
    } else if (state.equals("unknown") && !internal) {
      warnings.add(auth.get("detail").asText());
      nextSteps.add(
          "Verify Codex authentication explicitly (for example with `codex login status`) before relying on this environment.");
    }
    boolean userConfig = Files.exists(config.codexHome().resolve("config.toml"));
    boolean projectConfig = Files.exists(Path.of(cwd).resolve(".codex").resolve("config.toml"));
    if (!userConfig && !projectConfig) {
      warnings.add("No Codex config.toml was found in ~/.codex or this project.");
    }
    if ("exec".equals(clientMode)) {
      warnings.add(
          "Codex app-server support was not detected; codex-mcp would run in exec fallback mode with fewer capabilities.");
    }
    CodexVersionRange.Mismatch mismatch = tested.check(codexVersion).orElse(null);
    if (mismatch != null) {
      warnings.add(mismatch.message());
      if (mismatch.kind().equals("older-than-tested")) {
        nextSteps.add(
            "Upgrade Codex (for example `npm install -g @openai/codex@"
                + tested.newestTested()
                + "`) and rerun `codex_setup`.");
      }
    }
    warnings.addAll(probeWarnings);
    PersistenceState persisted = persistence.get();
    if (!"on".equals(persisted.state())) {
      warnings.add(persisted.detail());
    }
    ObjectNode out = Json.object();
    out.put("ready", executable.get("ok").asBoolean() && auth.get("ok").asBoolean());
    out.put("cwd", cwd);
    out.set("executable", executable);
    out.set("auth", auth);
    ObjectNode runtime = out.putObject("runtime");
    runtime.put("sameMachineRequired", true);
    if (clientMode != null) {
      runtime.put("clientMode", clientMode);
    }
    runtime.put("stateDir", config.stateDir().toString());
    if (codexVersion != null) {
      runtime.put("codexCliVersion", codexVersion);
    }
    runtime
        .putObject("testedCodexVersions")
        .put("minimum", tested.minimum())
        .put("newestTested", tested.newestTested());
    ObjectNode disk = out.putObject("persistence").put("state", persisted.state());
    if (persisted.detail() != null) {
      disk.put("detail", persisted.detail());
    }
    ObjectNode ctx = out.putObject("projectContext");
    ctx.put("hasUserConfig", userConfig);
    ctx.put("hasProjectConfig", projectConfig);
    ArrayNode w = out.putArray("warnings");
    warnings.forEach(w::add);
    ArrayNode n = out.putArray("nextSteps");
    nextSteps.forEach(n::add);
    return out;
  }

  static boolean isInternal(String command) {
    String base = Path.of(command).getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    return base.equals("codex-internal");
  }
}
