package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.state.DiskUpdate;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a session this server does not drive up to what another server wrote: status, thread,
 * settings, result, usage, and the events appended since. Poll cursors stay valid: the events kept
 * in memory keep their ids and new ones continue after them (a server's event ids are its own; the
 * log's {@code seq} only says which lines are new). Stateless; the caller holds the session's lock
 * (in-memory work only).
 */
final class DiskRefresh {
  private DiskRefresh() {}

  /** Applies {@code u} to {@code s}; the caller holds {@code s}'s lock. */
  static void apply(Session s, DiskUpdate u) {
    PersistedMeta m = u.meta();
    Path cwd = m.cwd() == null ? null : Path.of(m.cwd());
    s.restore(
        SessionRegistry.parseStatus(m.status()),
        m.threadId(),
        new Settings(cwd, m.model(), m.approvalPolicy(), m.sandbox()),
        m.cancelledAt(),
        m.cancelledReason(),
        u.resultRead() ? u.result() : s.lastResult(),
        s.damaged());
    s.extras.restore(
        OrchestrationJson.restored(m.usage()), OrchestrationJson.restored(m.worktree(), cwd));
    s.extras.description(m.description());
    List<SessionEvent> all = new ArrayList<>(s.events.size() + u.events().size());
    for (SessionEvent e : s.events) {
      all.add(e);
    }
    long next = s.events.nextId();
    for (ObjectNode e : u.events()) {
      EventType type = EventType.fromWireName(Json.text(e, "type"));
      long seq = e.path("seq").asLong(-1);
      // a whole read overlaps what is held: its ids are the log's seqs (the session was read from
      // the log and never driven here since), so only the lines past them are new
      if (type == null || (u.whole() && seq < next)) {
        continue;
      }
      long id = u.whole() ? seq : next;
      all.add(new SessionEvent(id, type, e.get("data"), Json.text(e, "timestamp"), false));
      next = id + 1;
    }
    s.events.restore(all, next);
  }
}
