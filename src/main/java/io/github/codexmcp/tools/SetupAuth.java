package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexInvocation;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.AccountProbe;
import io.github.codexmcp.process.CommandRunner;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code auth} part of {@code codex_setup}: whether Codex can run with what it has. In
 * app-server mode Codex is asked ({@code account/read}): a model provider that needs no OpenAI
 * login (a custom provider with its own key, a local one) is ready without {@code codex login}.
 * Otherwise, and when that question fails, {@code codex login status} decides. Blocking (it runs
 * Codex); called on a work thread.
 */
final class SetupAuth {
  private static final Pattern UNAUTH =
      Pattern.compile(
          "not (logged|authenticated)|login required|run\\s+codex\\s+login",
          Pattern.CASE_INSENSITIVE);

  private final CommandRunner runner;
  private final CodexSetupTool.AccountReader accounts;

  SetupAuth(CommandRunner runner, CodexSetupTool.AccountReader accounts) {
    this.runner = runner;
    this.accounts = accounts;
  }

  /**
   * The auth report; {@code probeWarning} receives a note when Codex could not be asked.
   *
   * @param askCodex whether the app-server may be asked (app-server mode)
   */
  ObjectNode report(
      ResolvedExecutable exe,
      CodexInvocation invocation,
      boolean internal,
      boolean askCodex,
      Path cwd,
      List<String> probeWarnings) {
    ObjectNode auth = Json.object();
    if (internal) {
      auth.put("ok", true).put("state", "unknown");
      auth.put(
          "detail",
          "Using a codex-internal executable; auth/login readiness is not probed and does not block setup readiness.");
      return auth;
    }
    if (askCodex) {
      AccountProbe.Outcome o = accounts.read(exe, cwd);
      if (o != null && o.account() != null) {
        return fromAccount(o.account());
      }
      if (o != null) {
        probeWarnings.add(
            "Could not ask Codex which login its model provider needs ("
                + o.failure()
                + "); the login status decides.");
      }
    }
    return loginStatus(exe, invocation);
  }

  static ObjectNode fromAccount(AccountProbe.Account a) {
    ObjectNode auth = Json.object();
    if (!a.requiresOpenaiAuth()) {
      return auth.put("ok", true)
          .put("state", "not_required")
          .put(
              "detail",
              "The configured model provider needs no OpenAI login"
                  + (a.accountType() == null ? "" : " (credentials: " + a.accountType() + ")")
                  + ".");
    }
    if (a.accountType() != null) {
      return auth.put("ok", true)
          .put("state", "authenticated")
          .put("detail", "Logged in (" + a.accountType() + ").");
    }
    return auth.put("ok", false)
        .put("state", "unauthenticated")
        .put(
            "detail",
            "The configured model provider needs an OpenAI login and Codex has none (Not logged in).");
  }

  private ObjectNode loginStatus(ResolvedExecutable exe, CodexInvocation invocation) {
    ObjectNode auth = Json.object();
    CommandRunner.Result r =
        runner.run(
            invocation.build(exe, List.of("login", "status")).argv(),
            Map.of(),
            Duration.ofSeconds(5));
    if (r.spawnError() != null || r.timedOut()) {
      String why = r.timedOut() ? "timed out after 5000ms" : r.spawnError();
      return auth.put("ok", false)
          .put("state", "unknown")
          .put("detail", "Failed to probe auth status: " + why);
    }
    String combined = r.combined();
    String state;
    if (r.exitCode() == 0) {
      state = "authenticated";
    } else if (UNAUTH.matcher(combined).find()) {
      state = "unauthenticated";
    } else {
      state = "unknown";
    }
    String detail =
        !combined.isEmpty()
            ? combined
            : state.equals("authenticated") ? "Authenticated." : "Auth status unknown.";
    return auth.put("ok", !state.equals("unauthenticated"))
        .put("state", state)
        .put("detail", detail);
  }
}
