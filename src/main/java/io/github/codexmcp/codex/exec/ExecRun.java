package io.github.codexmcp.codex.exec;

import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.StderrTail;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * One turn's child and its translation state. Fields are written under the owning {@link
 * ExecBackend}'s lock (by operation threads, the stdout reader, the process-exit and timer threads,
 * see {@link ExecProcesses}); {@code child} and {@code finished} are volatile because {@link
 * ExecBackend#childPid()} reads them without it, from any thread.
 */
final class ExecRun {
  final String turnId;
  final ExecEventTranslator translator;
  final Path schemaDir;
  volatile ChildProcess child;
  StderrTail stderr;
  boolean interrupted;
  volatile boolean finished;
  final CompletableFuture<Void> stdoutDone = new CompletableFuture<>();

  /** Completes when the turn's process has ended and its end was handled. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  ExecRun(String turnId, ExecEventTranslator translator, Path schemaDir) {
    this.turnId = turnId;
    this.translator = translator;
    this.schemaDir = schemaDir;
  }
}
