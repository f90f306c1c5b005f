package io.github.codexmcp.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Scriptable process table: processes, parents, and how they react to signals. */
final class FakeProcessTable implements ProcessTable {
  static final class Proc {
    final long pid;
    final long parent;
    final Instant start;
    final String command;
    final boolean ignoresTerm;
    volatile boolean alive = true;

    Proc(long pid, long parent, Instant start, String command, boolean ignoresTerm) {
      this.pid = pid;
      this.parent = parent;
      this.start = start;
      this.command = command;
      this.ignoresTerm = ignoresTerm;
    }
  }

  final Map<Long, Proc> procs = new ConcurrentHashMap<>();
  final List<String> signals = new ArrayList<>();
  long self = 1;

  Proc add(long pid, long parent, Instant start, String command, boolean ignoresTerm) {
    Proc p = new Proc(pid, parent, start, command, ignoresTerm);
    procs.put(pid, p);
    return p;
  }

  @Override
  public Optional<ProcessInfo> lookup(long pid) {
    Proc p = procs.get(pid);
    return p == null || !p.alive
        ? Optional.empty()
        : Optional.of(new ProcessInfo(pid, p.start, p.command));
  }

  @Override
  public List<ProcessInfo> descendants(long pid) {
    List<ProcessInfo> out = new ArrayList<>();
    for (Proc p : procs.values()) {
      if (p.alive && p.parent == pid) {
        out.add(new ProcessInfo(p.pid, p.start, p.command));
        out.addAll(descendants(p.pid));
      }
    }
    return out;
  }

  @Override
  public synchronized boolean terminate(long pid) {
    signals.add("TERM " + pid);
    Proc p = procs.get(pid);
    if (p != null && !p.ignoresTerm) {
      p.alive = false;
    }
    return p != null;
  }

  @Override
  public synchronized boolean kill(long pid) {
    signals.add("KILL " + pid);
    Proc p = procs.get(pid);
    if (p != null) {
      p.alive = false;
    }
    return p != null;
  }

  @Override
  public long currentPid() {
    return self;
  }

  synchronized List<String> signals() {
    return List.copyOf(signals);
  }
}
