package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's append-only event buffer with pin-aware eviction (spec 30 §1, §4, §5.1, §5.2).
 *
 * <p><b>Not thread-safe.</b> The owning session guards every call (pushes, removals and reads,
 * including iteration and {@link Poller} calls that read the ring) with its own lock. Nothing in
 * here blocks or does I/O.
 *
 * <p>Ids start at 0, grow by one per appended event and are never reused; buffered events are
 * always in increasing id order, so cursor look-ups are binary searches. Stored {@code data} nodes
 * are never modified in place.
 */
public final class EventRing implements Iterable<SessionEvent> {
  /** Soft limit: beyond it unpinned events (then pinned approval results) are evicted. */
  public static final int DEFAULT_SOFT_LIMIT = 1000;

  /** Hard limit: beyond it even pinned events are evicted. */
  public static final int DEFAULT_HARD_LIMIT = 2000;

  /** Bound on unconsumed events kept when {@link #retainUnconsumed} is on. */
  public static final int DEFAULT_BACKLOG_LIMIT = 20_000;

  /** Coalescing stops once the merged delta would exceed this many UTF-16 characters. */
  public static final int MAX_COALESCED_DELTA_CHARS = 16_384;

  static final String COMMAND_OUTPUT_DELTA = "item/commandExecution/outputDelta";

  static final String HARD_LIMIT_MESSAGE =
      "[codex-mcp] Event buffer hard limit exceeded with only critical pinned events;"
          + " evicting oldest event.";

  private static final Set<String> COALESCIBLE_METHODS =
      Set.of(
          COMMAND_OUTPUT_DELTA,
          "item/fileChange/outputDelta",
          "item/reasoning/textDelta",
          "item/reasoning/summaryTextDelta");

  private static final Logger LOG = LoggerFactory.getLogger(EventRing.class);

  private final Clock clock;
  private final int softLimit;
  private final int hardLimit;
  private final boolean noiseFilterEnabled;
  private final ArrayList<SessionEvent> events = new ArrayList<>();
  private long nextId;
  private Consumer<SessionEvent> listener;
  private long consumedCursor = -1;
  private int backlogLimit = Integer.MAX_VALUE;

  /** A ring with the default limits and the noise filter enabled. */
  public EventRing(Clock clock) {
    this(clock, DEFAULT_SOFT_LIMIT, DEFAULT_HARD_LIMIT, true);
  }

  /**
   * @param clock source of event timestamps
   * @param softLimit soft size limit (1000 in production)
   * @param hardLimit hard size limit (2000 in production), at least {@code softLimit}
   * @param noiseFilterEnabled false when {@code CODEX_MCP_DISABLE_NOISE_FILTER=1}
   */
  public EventRing(Clock clock, int softLimit, int hardLimit, boolean noiseFilterEnabled) {
    if (softLimit < 1 || hardLimit < softLimit) {
      throw new IllegalArgumentException("limits: soft=" + softLimit + " hard=" + hardLimit);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.softLimit = softLimit;
    this.hardLimit = hardLimit;
    this.noiseFilterEnabled = noiseFilterEnabled;
  }

  /**
   * Sets (or clears, with null) the push listener, typically the session's disk event log.
   *
   * <p>It is called synchronously, exactly once per push that produced or extended an event, on the
   * pushing thread while the caller still holds the session lock, so it must not block (enqueue the
   * disk write instead). It receives the event <em>as pushed</em>: {@code id} is the id of the
   * buffered event now holding the data (new, or the one a delta was coalesced into), {@code data}
   * is the pushed data after noise filtering (for a coalesced delta only the new fragment, not the
   * merged text), {@code timestamp} is the push time, shared with the buffer. It is also called
   * when the new event is evicted immediately. It is not called for pushes that the noise filter
   * dropped, nor by {@link #restore}. Exceptions are logged and swallowed.
   */
  public void setListener(Consumer<SessionEvent> listener) {
    this.listener = listener;
  }

  /** Pushes an unpinned event; see {@link #push(EventType, JsonNode, boolean)}. */
  public SessionEvent push(EventType type, JsonNode data) {
    return push(type, data, false);
  }

  /**
   * Pushes an event (spec 30 §4): noise-filters command output deltas, coalesces delta fragments
   * into the last event when allowed, else appends a new event with the next id and runs eviction.
   * The caller must not modify {@code data} afterwards.
   *
   * @return the buffered event now holding the data (a new event, or the one the delta was merged
   *     into, with its refreshed data and timestamp), or null when the noise filter left nothing
   *     and no event was produced
   */
  public SessionEvent push(EventType type, JsonNode data, boolean pinned) {
    Objects.requireNonNull(type, "type");
    if (noiseFilterEnabled && type == EventType.PROGRESS && isCommandOutputDelta(data)) {
      String delta = data.get("delta").asText();
      String filtered = NoiseFilter.filter(delta);
      if (filtered.isEmpty()) {
        return null;
      }
      if (!filtered.equals(delta)) {
        data = withDelta((ObjectNode) data, filtered);
      }
    }
    String timestamp = Timestamps.now(clock);
    // only progress deltas merge: a streamed reply (output) does not even call in
    SessionEvent merged =
        type == EventType.PROGRESS && !pinned ? tryCoalesce(type, data, pinned, timestamp) : null;
    if (merged != null) {
      notifyListener(new SessionEvent(merged.id(), type, data, timestamp, pinned));
      return merged;
    }
    SessionEvent event = new SessionEvent(nextId++, type, data, timestamp, pinned);
    events.add(event);
    evict();
    notifyListener(event);
    return event;
  }

  /**
   * Removes every {@code result} and {@code error} event (spec 30 §5.2, on an accepted reply).
   * Other events and {@link #nextId()} are unchanged.
   *
   * @return how many events were removed
   */
  public int removeResultsAndErrors() {
    int before = events.size();
    events.removeIf(e -> e.type() == EventType.RESULT || e.type() == EventType.ERROR);
    return before - events.size();
  }

  /**
   * Replaces the content with recovered events (persistence recovery): sorted by id, duplicates
   * dropped, {@code nextId} raised to at least {@code nextId} and past the last id, then eviction
   * runs. The listener is not called.
   */
  public void restore(Collection<SessionEvent> recovered, long nextId) {
    List<SessionEvent> sorted = new ArrayList<>(recovered);
    sorted.sort(Comparator.comparingLong(SessionEvent::id));
    events.clear();
    for (SessionEvent e : sorted) {
      if (events.isEmpty() || events.get(events.size() - 1).id() < e.id()) {
        events.add(e);
      }
    }
    long floor = events.isEmpty() ? 0 : events.get(events.size() - 1).id() + 1;
    this.nextId = Math.max(Math.max(this.nextId, nextId), floor);
    evict();
  }

  /** The id the next appended event will get; never decreases. */
  public long nextId() {
    return nextId;
  }

  /** Id of the oldest buffered event, or {@link #nextId()} when the buffer is empty. */
  public long firstId() {
    return events.isEmpty() ? nextId : events.get(0).id();
  }

  /** Number of buffered events. */
  public int size() {
    return events.size();
  }

  /** Whether no event is buffered. */
  public boolean isEmpty() {
    return events.isEmpty();
  }

  /** The event at {@code index} (0 = oldest buffered). */
  public SessionEvent get(int index) {
    return events.get(index);
  }

  /** The newest buffered event, or null when empty. */
  public SessionEvent last() {
    return events.isEmpty() ? null : events.get(events.size() - 1);
  }

  /** Index of the first buffered event with {@code id >= cursor}; {@link #size()} if none. */
  public int indexAtOrAfter(long cursor) {
    int lo = 0;
    int hi = events.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (events.get(mid).id() < cursor) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Up to {@code max} buffered events with {@code id >= cursor}, oldest first (a copy). */
  public List<SessionEvent> since(long cursor, int max) {
    int from = indexAtOrAfter(cursor);
    int to = (int) Math.min(events.size(), (long) from + Math.max(0, max));
    return List.copyOf(events.subList(from, to));
  }

  /** A copy of all buffered events, oldest first. */
  public List<SessionEvent> snapshot() {
    return List.copyOf(events);
  }

  /** Read-only, fail-fast iteration oldest first; hold the session lock while iterating. */
  @Override
  public Iterator<SessionEvent> iterator() {
    return Collections.unmodifiableList(events).iterator();
  }

  private SessionEvent tryCoalesce(EventType type, JsonNode data, boolean pinned, String ts) {
    if (type != EventType.PROGRESS || pinned || !isCoalescible(data) || events.isEmpty()) {
      return null;
    }
    String itemKey = keyOf(data, "itemId");
    String turnKey = keyOf(data, "turnId");
    if (itemKey.isEmpty() && turnKey.isEmpty()) {
      return null;
    }
    int lastIndex = events.size() - 1;
    SessionEvent last = events.get(lastIndex);
    JsonNode lastData = last.data();
    if (last.type() != EventType.PROGRESS
        || last.pinned()
        || !lastData.isObject()
        || !Objects.equals(last.method(), Json.text(data, "method"))
        || !itemKey.equals(keyOf(lastData, "itemId"))
        || !turnKey.equals(keyOf(lastData, "turnId"))) {
      return null;
    }
    JsonNode lastDelta = lastData.get("delta");
    if (lastDelta == null || !lastDelta.isTextual()) {
      return null;
    }
    String oldText = lastDelta.asText();
    String newText = data.get("delta").asText();
    if ((long) oldText.length() + newText.length() > MAX_COALESCED_DELTA_CHARS) {
      return null;
    }
    SessionEvent merged =
        new SessionEvent(
            last.id(), last.type(), withDelta((ObjectNode) lastData, oldText + newText), ts, false);
    events.set(lastIndex, merged);
    return merged;
  }

  private static boolean isCoalescible(JsonNode data) {
    if (data == null || !data.isObject()) {
      return false;
    }
    String method = Json.text(data, "method");
    JsonNode delta = data.get("delta");
    return method != null
        && COALESCIBLE_METHODS.contains(method)
        && delta != null
        && delta.isTextual();
  }

  private static boolean isCommandOutputDelta(JsonNode data) {
    if (data == null || !data.isObject()) {
      return false;
    }
    JsonNode delta = data.get("delta");
    return COMMAND_OUTPUT_DELTA.equals(Json.text(data, "method"))
        && delta != null
        && delta.isTextual();
  }

  /** String value of {@code field}, "" when missing or not a string. */
  private static String keyOf(JsonNode data, String field) {
    String s = Json.text(data, field);
    return s == null ? "" : s;
  }

  /** Shallow copy of {@code data} (same key order) with {@code delta} replaced. */
  private static ObjectNode withDelta(ObjectNode data, String delta) {
    ObjectNode copy = Json.object();
    copy.setAll(data);
    copy.put("delta", delta);
    return copy;
  }

  /**
   * Keeps events the client has not consumed yet: the soft and hard limits then only evict events
   * below the consumed cursor ({@link #markConsumed}), and unconsumed events are evicted only when
   * the buffer exceeds {@code backlogLimit}. A slow poller therefore loses nothing short of that
   * bound. Off by default (the plain limits of spec 30 §5.1 apply).
   */
  public void retainUnconsumed(int backlogLimit) {
    if (backlogLimit < hardLimit) {
      throw new IllegalArgumentException("backlog limit below the hard limit");
    }
    this.backlogLimit = backlogLimit;
    if (consumedCursor < 0) {
      consumedCursor = 0;
    }
  }

  /** Records that the client consumed every event below {@code cursor}; may evict. */
  public void markConsumed(long cursor) {
    if (consumedCursor >= 0 && cursor > consumedCursor) {
      consumedCursor = cursor;
      evict();
    }
  }

  private void evict() {
    int size = events.size();
    if (size <= softLimit && size <= hardLimit && size <= backlogLimit) {
      return; // nothing can be over a limit (checked before anything else, on every push)
    }
    if (consumedCursor < 0) {
      evictWithin(Long.MAX_VALUE, softLimit, hardLimit);
      return;
    }
    long consumed = consumedCursor;
    if (!events.isEmpty() && events.get(0).id() < consumed) {
      evictWithin(consumed, softLimit, hardLimit);
    }
    if (events.size() > backlogLimit) {
      evictWithin(Long.MAX_VALUE, backlogLimit, backlogLimit);
    }
  }

  /** Which events a removal pass may take (besides being below its id bound). */
  private enum Kind {
    UNPINNED,
    PINNED_APPROVAL_RESULT,
    APPROVAL_RESULT,
    PINNED_NOT_CRITICAL,
    ANY;

    boolean matches(SessionEvent e) {
      return switch (this) {
        case UNPINNED -> !e.pinned();
        case PINNED_APPROVAL_RESULT -> e.pinned() && e.type() == EventType.APPROVAL_RESULT;
        case APPROVAL_RESULT -> e.type() == EventType.APPROVAL_RESULT;
        case PINNED_NOT_CRITICAL -> e.pinned() && !e.type().isCritical();
        case ANY -> true;
      };
    }
  }

  /** Applies the limits to the events with ids below {@code below} (spec 30 §5.1). */
  private void evictWithin(long below, int soft, int hard) {
    if (events.size() > soft) {
      int overflow = events.size() - soft;
      overflow -= removeOldest(below, Kind.UNPINNED, overflow);
      if (overflow > 0) {
        removeOldest(below, Kind.PINNED_APPROVAL_RESULT, overflow);
      }
    }
    if (events.size() > hard) {
      int overflow = events.size() - hard;
      overflow -= removeOldest(below, Kind.APPROVAL_RESULT, overflow);
      if (overflow > 0) {
        overflow -= removeOldest(below, Kind.UNPINNED, overflow);
      }
      if (overflow > 0) {
        overflow -= removeOldest(below, Kind.PINNED_NOT_CRITICAL, overflow);
      }
      if (overflow > 0 && !events.isEmpty() && events.get(0).id() < below) {
        LOG.warn(HARD_LIMIT_MESSAGE);
        removeOldest(below, Kind.ANY, overflow);
      }
    }
  }

  /**
   * Removes up to {@code max} events of {@code kind} with ids below {@code below}, oldest first,
   * keeping the order of the rest. Ids increase along the buffer, so the scan stops at the bound.
   */
  private int removeOldest(long below, Kind kind, int max) {
    int size = events.size();
    int read = 0;
    while (read < size) {
      SessionEvent e = events.get(read);
      if (e.id() >= below) {
        return 0;
      }
      if (kind.matches(e)) {
        break;
      }
      read++;
    }
    if (read == size || max <= 0) {
      return 0;
    }
    if (max == 1) {
      events.remove(read);
      return 1;
    }
    int write = read;
    int removed = 0;
    for (; read < size; read++) {
      SessionEvent e = events.get(read);
      if (removed < max && matches(e, below, kind)) {
        removed++;
      } else {
        events.set(write++, e);
      }
    }
    events.subList(write, size).clear();
    return removed;
  }

  private static boolean matches(SessionEvent e, long below, Kind kind) {
    return e.id() < below && kind.matches(e);
  }

  private void notifyListener(SessionEvent pushed) {
    Consumer<SessionEvent> l = listener;
    if (l == null) {
      return;
    }
    try {
      l.accept(pushed);
    } catch (RuntimeException e) {
      LOG.warn("[codex-mcp] Event listener failed for event {}: {}", pushed.id(), e.toString());
    }
  }
}
