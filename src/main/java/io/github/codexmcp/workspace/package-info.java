/**
 * The session's view of its working directory as a git work tree: what a turn changed (a snapshot
 * of the work tree at the turn's start compared with its state at the turn's end, without touching
 * the user's index or stash), the change receipts built from that and from Codex's own reports, and
 * a git worktree per session. Everything here runs {@code git} through {@code
 * process.CommandRunner} and blocks: callers run it off any lock, on a thread that may wait.
 */
package io.github.codexmcp.workspace;
