package io.github.codexmcp.client;

import java.util.concurrent.CompletableFuture;

/**
 * Forms the MCP client shows its user ({@code elicitation/create} in form mode), for clients that
 * declared the {@code elicitation} capability.
 *
 * <p>Never blocks and never throws: {@link #ask} hands the request to a sender and returns at once,
 * so any thread may call it, also under a lock.
 */
public interface ClientForms {
  /** Whether the client declared it can show forms (known once it has initialized). */
  boolean supported();

  /**
   * Shows {@code form}. The returned form's answer completes when the user answers; with {@link
   * FormAnswer#cancelled()} when the client fails or the form is withdrawn. Without support the
   * answer is a cancellation at once.
   */
  PendingForm ask(FormRequest form);

  /** A form that was sent. */
  interface PendingForm {
    CompletableFuture<FormAnswer> answer();

    /**
     * The answer is no longer needed (answered another way, timed out): the client is told to close
     * the form ({@code notifications/cancelled}) and {@link #answer()} completes as cancelled.
     * Idempotent; nothing happens once answered.
     */
    void withdraw(String reason);
  }

  /** A client without forms. */
  ClientForms NONE =
      new ClientForms() {
        @Override
        public boolean supported() {
          return false;
        }

        @Override
        public PendingForm ask(FormRequest form) {
          CompletableFuture<FormAnswer> f =
              CompletableFuture.completedFuture(FormAnswer.cancelled());
          return new PendingForm() {
            @Override
            public CompletableFuture<FormAnswer> answer() {
              return f;
            }

            @Override
            public void withdraw(String reason) {}
          };
        }
      };
}
