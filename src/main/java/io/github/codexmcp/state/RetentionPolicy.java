package io.github.codexmcp.state;

import java.time.Duration;

/**
 * Startup retention limits (spec 00 §9, spec 40 §9). Immutable.
 *
 * @param maxAge sessions whose last activity is older are removed
 * @param maxSessions at most this many session directories are kept (oldest removed first)
 * @param maxTotalBytes the kept directories total at most this many bytes (oldest removed first)
 */
public record RetentionPolicy(Duration maxAge, int maxSessions, long maxTotalBytes) {
  /** 7 days, 200 sessions, 500 MiB. */
  public static final RetentionPolicy DEFAULT =
      new RetentionPolicy(Duration.ofDays(7), 200, 500L * 1024 * 1024);
}
