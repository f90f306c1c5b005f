package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A session as another server left it on disk, read without changing anything: the whole session
 * ({@code since} null) or what changed after a {@link DiskStamp}.
 *
 * @param meta {@code meta.json} as it is (no restart rule: its server may be alive)
 * @param result {@code result.json} when {@code resultRead}, else null (unchanged)
 * @param resultRead whether {@code result} was read (the whole session, or the file changed)
 * @param events log lines, ascending seq: the last {@link RecoveredSession#MAX_EVENTS} of the log
 *     when {@code whole}, else the lines appended after the stamp's {@code eventsEnd}
 * @param whole whether this is the whole session rather than the changes after a stamp
 * @param stamp the files as read (compare with {@link DiskStamp#sameFiles}; read on from it)
 */
public record DiskUpdate(
    PersistedMeta meta,
    ObjectNode result,
    boolean resultRead,
    List<ObjectNode> events,
    boolean whole,
    DiskStamp stamp) {

  public DiskUpdate {
    events = List.copyOf(events);
  }

  /** Highest seq among {@link #events}, or -1. */
  public long lastSeq() {
    return events.isEmpty() ? -1 : events.get(events.size() - 1).path("seq").asLong(-1);
  }

  /** As a recovered session (the whole session: what a server that never knew it adds). */
  public RecoveredSession asRecovered() {
    return new RecoveredSession(
        meta.sessionId(), meta, meta.status(), events, lastSeq(), result, null, null);
  }
}
