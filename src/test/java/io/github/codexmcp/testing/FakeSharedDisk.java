package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.PersistenceHook;
import io.github.codexmcp.state.DiskStamp;
import io.github.codexmcp.state.DiskUpdate;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One state directory in memory, shared by several pretend servers ({@link #server}): each
 * session's documents, event log and owner, with the ownership rules of the real store (a write
 * claims a session nobody holds; writes to a session another server holds are dropped) and stamps
 * that change with every write. Counts the reads, so tests can tell that polls never read it.
 */
public final class FakeSharedDisk {
  private final Map<String, Files> sessions = new TreeMap<>();
  private int reads;
  private int stamps;
  private final java.util.Set<String> unreadable = new java.util.HashSet<>();

  private static final class Files {
    ObjectNode meta;
    ObjectNode result;
    final List<ObjectNode> events = new ArrayList<>();
    int metaVersion;
    int resultVersion;
    String owner;
  }

  /** The store of the server {@code name}. */
  public PersistenceHook server(String name) {
    return new Server(name);
  }

  /** Another server's write: {@code name} must hold the session (or nobody). */
  public synchronized void write(String name, String id, ObjectNode meta, ObjectNode result) {
    Files f = sessions.computeIfAbsent(id, k -> new Files());
    f.owner = f.owner == null ? name : f.owner;
    if (meta != null) {
      f.meta = stamped(id, meta);
      f.metaVersion++;
    }
    if (result != null) {
      f.result = result.deepCopy();
      f.resultVersion++;
    }
  }

  /** Another server appends an event line. */
  public synchronized void append(String id, String type, JsonNode data) {
    Files f = sessions.get(id);
    ObjectNode line = Json.object();
    line.put("seq", f.events.size()).put("type", type).set("data", data);
    line.put("timestamp", "2026-02-15T10:00:00.000Z");
    f.events.add(line);
  }

  /** The server {@code name} dies: the OS drops its locks. */
  public synchronized void crash(String name) {
    sessions.values().forEach(f -> f.owner = name.equals(f.owner) ? null : f.owner);
  }

  public synchronized String owner(String id) {
    Files f = sessions.get(id);
    return f == null ? null : f.owner;
  }

  public synchronized ObjectNode meta(String id) {
    return sessions.get(id).meta;
  }

  public synchronized List<ObjectNode> events(String id) {
    return List.copyOf(sessions.get(id).events);
  }

  /** Looking at {@code id}'s files fails with an I/O error (true) or works again (false). */
  public synchronized void unreadable(String id, boolean failing) {
    if (failing) {
      unreadable.add(id);
    } else {
      unreadable.remove(id);
    }
  }

  public synchronized void remove(String id) {
    sessions.remove(id);
  }

  /** How many times a session's files were read (not stamped). */
  public synchronized int reads() {
    return reads;
  }

  /** How many times a session's files were stamped. */
  public synchronized int stamps() {
    return stamps;
  }

  private static ObjectNode stamped(String id, ObjectNode meta) {
    ObjectNode m = meta.deepCopy();
    m.put("sessionId", id);
    return m;
  }

  private synchronized DiskStamp stampOf(String id) {
    stamps++;
    if (unreadable.contains(id)) {
      return DiskStamp.UNREADABLE;
    }
    Files f = sessions.get(id);
    if (f == null || f.meta == null) {
      return null;
    }
    return new DiskStamp(
        new DiskStamp.FileMark("meta", f.metaVersion, 0),
        new DiskStamp.FileMark("result", f.resultVersion, 0),
        f.events.size(),
        f.events.size());
  }

  private final class Server implements PersistenceHook {
    private final String name;
    private final Map<String, Long> epochs = new HashMap<>();

    Server(String name) {
      this.name = name;
    }

    /** Whether this server may write {@code id} (claims it when nobody holds it). */
    private boolean mayWrite(String id) {
      synchronized (FakeSharedDisk.this) {
        Files f = sessions.computeIfAbsent(id, k -> new Files());
        if (f.owner == null) {
          f.owner = name;
          epochs.merge(id, 1L, Long::sum);
        }
        return name.equals(f.owner);
      }
    }

    @Override
    public void saveMeta(String sessionId, ObjectNode meta) {
      synchronized (FakeSharedDisk.this) {
        if (mayWrite(sessionId)) {
          write(name, sessionId, meta, null);
        }
      }
    }

    @Override
    public void saveResult(String sessionId, ObjectNode result) {
      synchronized (FakeSharedDisk.this) {
        if (mayWrite(sessionId)) {
          write(name, sessionId, null, result);
        }
      }
    }

    @Override
    public void savePid(String sessionId, long pid) {}

    @Override
    public void appendEvent(String sessionId, ObjectNode event) {
      synchronized (FakeSharedDisk.this) {
        if (mayWrite(sessionId)) {
          append(sessionId, Json.text(event, "type"), event.get("data"));
        }
      }
    }

    @Override
    public boolean delete(String sessionId) {
      synchronized (FakeSharedDisk.this) {
        Files f = sessions.get(sessionId);
        if (f == null || (f.owner != null && !name.equals(f.owner))) {
          return false;
        }
        sessions.remove(sessionId);
        return true;
      }
    }

    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public boolean claim(String sessionId) {
      synchronized (FakeSharedDisk.this) {
        epochs.merge(sessionId, 1L, Long::sum);
        Files f = sessions.get(sessionId);
        if (f == null) {
          return true;
        }
        if (f.owner == null) {
          f.owner = name;
        }
        return name.equals(f.owner);
      }
    }

    @Override
    public long claimEpoch(String sessionId) {
      synchronized (FakeSharedDisk.this) {
        return epochs.getOrDefault(sessionId, 0L);
      }
    }

    @Override
    public boolean drivenHere(String sessionId) {
      return name.equals(owner(sessionId));
    }

    @Override
    public boolean drivenElsewhere(String sessionId) {
      String o = owner(sessionId);
      return o != null && !o.equals(name);
    }

    @Override
    public DiskStamp release(String sessionId, long epoch) {
      synchronized (FakeSharedDisk.this) {
        Files f = sessions.get(sessionId);
        if (f == null || !name.equals(f.owner) || claimEpoch(sessionId) != epoch) {
          return null;
        }
        f.owner = null;
        return stampOf(sessionId);
      }
    }

    @Override
    public DiskStamp stamp(String sessionId) {
      return stampOf(sessionId);
    }

    @Override
    public DiskUpdate readForeign(String sessionId, DiskStamp since) {
      synchronized (FakeSharedDisk.this) {
        reads++;
        Files f = sessions.get(sessionId);
        if (f == null || f.meta == null) {
          return null;
        }
        PersistedMeta meta = PersistedMeta.fromJson(f.meta);
        int from = since == null ? Math.max(0, f.events.size() - 500) : (int) since.eventsEnd();
        boolean readResult = since == null || since.result().modifiedNanos() != f.resultVersion;
        return new DiskUpdate(
            meta,
            readResult && f.result != null ? f.result.deepCopy() : null,
            readResult,
            f.events.subList(from, f.events.size()),
            since == null,
            stampOf(sessionId));
      }
    }

    @Override
    public List<String> sessionIdsOnDisk() {
      synchronized (FakeSharedDisk.this) {
        return sessions.entrySet().stream()
            .filter(e -> e.getValue().meta != null)
            .map(Map.Entry::getKey)
            .toList();
      }
    }
  }
}
