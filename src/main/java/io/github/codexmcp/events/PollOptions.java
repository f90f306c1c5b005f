package io.github.codexmcp.events;

/**
 * {@code pollOptions} of a poll (spec 30 §5.3 step 2); null means "not given".
 *
 * @param includeEvents default true; forced false by {@code finalOnly}
 * @param includeActions default true
 * @param includeResult default true; forced true by {@code finalOnly}
 * @param skipDeltas default false: consume delta events without returning them
 * @param finalOnly default false: return no events but consume all unseen ones
 * @param maxBytes response budget in UTF-8 bytes of compact JSON; null = unlimited
 */
public record PollOptions(
    Boolean includeEvents,
    Boolean includeActions,
    Boolean includeResult,
    Boolean skipDeltas,
    Boolean finalOnly,
    Long maxBytes) {

  /** Every option at its default. */
  public static final PollOptions DEFAULTS = new PollOptions(null, null, null, null, null, null);

  /** Effective {@code finalOnly}. */
  public boolean finalOnlyEffective() {
    return Boolean.TRUE.equals(finalOnly);
  }

  /** Effective {@code skipDeltas}. */
  public boolean skipDeltasEffective() {
    return Boolean.TRUE.equals(skipDeltas);
  }

  /** Effective {@code includeEvents}: false under {@code finalOnly}, else default true. */
  public boolean includeEventsEffective() {
    return !finalOnlyEffective() && !Boolean.FALSE.equals(includeEvents);
  }

  /** Effective {@code includeActions}: default true. */
  public boolean includeActionsEffective() {
    return !Boolean.FALSE.equals(includeActions);
  }

  /** Effective {@code includeResult}: true under {@code finalOnly}, else default true. */
  public boolean includeResultEffective() {
    return finalOnlyEffective() || !Boolean.FALSE.equals(includeResult);
  }

  /** The byte limit {@code max(1, maxBytes)}, or -1 when unlimited. */
  public long byteLimit() {
    return maxBytes == null ? -1 : Math.max(1, maxBytes);
  }
}
