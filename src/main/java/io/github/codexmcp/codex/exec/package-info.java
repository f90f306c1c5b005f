/**
 * Exec fallback mode (spec 50, adapted to codex 0.169 per spec 80 §6): one {@code codex exec
 * --json} child per turn instead of a long-lived app-server.
 *
 * <ul>
 *   <li>{@link io.github.codexmcp.codex.exec.ExecBackendFactory} — creates backends; launches the
 *       same binary as app-server mode (native binary behind an npm launcher).
 *   <li>{@link io.github.codexmcp.codex.exec.ExecBackend} — the {@link
 *       io.github.codexmcp.codex.CodexBackend}: synthetic thread id until the CLI names the real
 *       one, {@code exec} for the first turn and {@code exec resume} afterwards, turn end
 *       synthesized on exit and bound to the child instance, interrupt/destroy stop the child tree.
 *   <li>{@link io.github.codexmcp.codex.exec.ExecProcesses} — the turns' children: retire the
 *       previous one, spawn, read the JSONL, synthesize the end; {@link
 *       io.github.codexmcp.codex.exec.ExecRun} is one turn's child.
 *   <li>{@link io.github.codexmcp.codex.exec.ExecSettings}, {@link
 *       io.github.codexmcp.codex.exec.ExecInput} — a turn's settings and input.
 *   <li>{@link io.github.codexmcp.codex.exec.ExecCommandLine} — the argv of a turn.
 *   <li>{@link io.github.codexmcp.codex.exec.ExecEventTranslator} — JSONL events to app-server
 *       notifications.
 * </ul>
 *
 * <p><b>Turns.</b> The first turn runs {@code exec}, later turns {@code exec resume <realThreadId>}
 * ({@link io.github.codexmcp.codex.exec.ExecCommandLine}). A later turn without a known real thread
 * id runs a fresh {@code exec} and first reports an {@code error} with {@code willRetry:true}
 * ("multi-turn context unavailable"), which the session shows as reconnect progress. Settings:
 * model, approval policy, sandbox, cwd and config are {@link
 * io.github.codexmcp.codex.exec.ExecSettings}; on codex 0.169 sandbox and cwd work for resume turns
 * too (flags before {@code resume}), so {@code supportsTurnOverrides()} is always true. {@code
 * outputSchema} applies to its turn only ({@link io.github.codexmcp.codex.exec.ExecInput}). {@code
 * effort}, {@code summary}, {@code personality}, {@code baseInstructions}, {@code
 * developerInstructions} and {@code ephemeral} are not passed to the CLI. The child's stdin is the
 * null device (exec otherwise waits for stdin EOF).
 */
package io.github.codexmcp.codex.exec;
