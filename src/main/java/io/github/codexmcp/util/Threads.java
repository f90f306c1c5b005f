package io.github.codexmcp.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named thread factories; every thread of the server gets a recognisable name. */
public final class Threads {
  private Threads() {}

  /** Daemon threads named {@code pattern} where {@code %d} is replaced by a counter. */
  public static ThreadFactory daemonFactory(String pattern) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t =
          new Thread(
              r, pattern.contains("%d") ? String.format(pattern, n.incrementAndGet()) : pattern);
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts a named daemon thread. */
  public static Thread startDaemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
