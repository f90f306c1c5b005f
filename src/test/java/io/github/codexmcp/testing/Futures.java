package io.github.codexmcp.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Assertions on futures that the fakes have already completed (no waiting). */
public final class Futures {
  private Futures() {}

  /** The failure of a completed, failed future (unwrapped from {@link CompletionException}). */
  public static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "future not completed");
    try {
      Object v = f.join();
      return fail("expected a failure, got " + v);
    } catch (CompletionException e) {
      Throwable t = e;
      while (t instanceof CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      return t;
    }
  }

  /** Message of {@link #failure}. */
  public static String failureMessage(CompletableFuture<?> f) {
    return failure(f).getMessage();
  }

  /** The value of a completed future; fails when it is still pending. */
  public static <T> T done(CompletableFuture<T> f) {
    assertTrue(f.isDone(), "future not completed");
    return f.join();
  }
}
