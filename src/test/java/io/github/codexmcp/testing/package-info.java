/**
 * Test harness for end-to-end tests against the real Codex CLI (spec 95).
 *
 * <p>The real, pinned {@code codex} binary ({@link io.github.codexmcp.testing.CodexCli}) runs
 * against a scripted OpenAI Responses-API server on loopback ({@link
 * io.github.codexmcp.testing.ScriptedModelServer}), so tests need no network and no credentials.
 * Each test gets a throw-away {@code HOME}/{@code CODEX_HOME}/project directory whose {@code
 * config.toml} points codex at that server ({@link io.github.codexmcp.testing.CodexTestHome}). What
 * the "model" answers is scripted per request with {@link io.github.codexmcp.testing.ScriptedReply}
 * (plain or streamed text, shell commands, escalation, patches, user-input and permission requests,
 * reasoning, structured output, HTTP errors, dropped streams); every request codex sends is
 * recorded for assertions.
 *
 * <pre>{@code
 * CodexCli cli = CodexCli.get();                       // installs the pinned CLI once if missing
 * try (ScriptedModelServer model = ScriptedModelServer.start();
 *      CodexTestHome home = CodexTestHome.create(model)) {
 *   model.enqueue(ScriptedReply.command("echo hi > made.txt"));   // follow-up gets "done"
 *   ProcessBuilder pb = home.configure(new ProcessBuilder(cli.nativeBinary().toString(),
 *       "exec", "--json", "--skip-git-repo-check", "--", "make a file"));
 *   pb.redirectInput(new File("/dev/null"));            // exec reads stdin to EOF otherwise
 *   ... start, read JSONL, wait ...
 *   assertTrue(Files.exists(home.workDir().resolve("made.txt")));
 *   assertTrue(ScriptedModelServer.lastInputIsToolOutput(model.lastRequest()));
 * }
 * }</pre>
 *
 * <p>Expected noise (not failures): a {@code warning} per turn about unknown model metadata for
 * {@code mock-model} (in exec mode an {@code item.completed} of type {@code error}), a PATH-alias
 * warning on stderr because {@code CODEX_HOME} is under a temp dir, and a {@code configWarning}
 * about the bundled bubblewrap when {@code bwrap} is not on {@code PATH}.
 *
 * <p>Test code only; nothing here ships in the jar.
 */
package io.github.codexmcp.testing;
