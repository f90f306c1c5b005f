package io.github.codexmcp.events;

import java.util.Objects;

/**
 * What the client asked for in one poll.
 *
 * @param cursor explicit cursor, or null for the session cursor
 * @param maxEvents maximum number of events to return (negative counts as 0); the tool applies its
 *     own defaults (poll: 1, respond_*: 0), the manager 200
 * @param responseMode event data shaping
 * @param options poll options
 */
public record PollRequest(
    Long cursor, int maxEvents, ResponseMode responseMode, PollOptions options) {

  /** Manager-level default {@code maxEvents}. */
  public static final int DEFAULT_MAX_EVENTS = 200;

  /** Null mode means {@code full}, null options mean defaults. */
  public PollRequest {
    responseMode = Objects.requireNonNullElse(responseMode, ResponseMode.FULL);
    options = Objects.requireNonNullElse(options, PollOptions.DEFAULTS);
  }

  /** A {@code full}-mode request with default options. */
  public static PollRequest of(Long cursor, int maxEvents) {
    return new PollRequest(cursor, maxEvents, ResponseMode.FULL, PollOptions.DEFAULTS);
  }
}
