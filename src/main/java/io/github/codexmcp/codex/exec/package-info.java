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
 *   <li>{@link io.github.codexmcp.codex.exec.ExecCommandLine} — the argv of a turn.
 *   <li>{@link io.github.codexmcp.codex.exec.ExecEventTranslator} — JSONL events to app-server
 *       notifications.
 * </ul>
 */
package io.github.codexmcp.codex.exec;
