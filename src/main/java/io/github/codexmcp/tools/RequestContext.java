package io.github.codexmcp.tools;

import io.github.codexmcp.client.ClientLog;
import java.util.concurrent.CompletableFuture;

/** Per-call context: client cancellation and progress reporting. */
public interface RequestContext {
  /** Completes when the MCP client cancels this request (never completes otherwise). */
  CompletableFuture<Void> cancelled();

  /** Whether the client asked for progress ({@code _meta.progressToken}). */
  boolean wantsProgress();

  /** Sends a progress notification if the client asked for progress; never blocks. */
  void progress(double progress, Double total, String message);

  /** The client's log ({@code notifications/message}); never blocks. */
  default ClientLog log() {
    return ClientLog.NONE;
  }

  /** A context that is never cancelled and drops progress. */
  RequestContext NONE =
      new RequestContext() {
        private final CompletableFuture<Void> never = new CompletableFuture<>();

        @Override
        public CompletableFuture<Void> cancelled() {
          return never;
        }

        @Override
        public boolean wantsProgress() {
          return false;
        }

        @Override
        public void progress(double progress, Double total, String message) {}
      };
}
