package io.github.codexmcp.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@link ProcessTable} over {@link ProcessHandle}. On Linux a zombie (state {@code Z} in {@code
 * /proc/<pid>/stat}) is reported as dead: {@code ProcessHandle.isAlive()} says true for zombies,
 * and in containers whose init does not reap, killed orphans stay zombies forever.
 */
final class SystemProcessTable implements ProcessTable {
  static final SystemProcessTable INSTANCE = new SystemProcessTable();

  private SystemProcessTable() {}

  @Override
  public Optional<ProcessInfo> lookup(long pid) {
    return ProcessHandle.of(pid).filter(SystemProcessTable::alive).map(SystemProcessTable::info);
  }

  @Override
  public List<ProcessInfo> descendants(long pid) {
    return ProcessHandle.of(pid)
        .map(
            h ->
                h.descendants()
                    .filter(SystemProcessTable::alive)
                    .map(SystemProcessTable::info)
                    .toList())
        .orElse(List.of());
  }

  @Override
  public boolean terminate(long pid) {
    return signal(pid, false);
  }

  @Override
  public boolean kill(long pid) {
    return signal(pid, true);
  }

  @Override
  public long currentPid() {
    return ProcessHandle.current().pid();
  }

  private boolean signal(long pid, boolean forcibly) {
    if (pid == currentPid()) {
      return false;
    }
    return ProcessHandle.of(pid)
        .map(
            h -> {
              try {
                return forcibly ? h.destroyForcibly() : h.destroy();
              } catch (RuntimeException e) {
                return false;
              }
            })
        .orElse(false);
  }

  private static ProcessInfo info(ProcessHandle h) {
    ProcessHandle.Info i = h.info();
    return new ProcessInfo(h.pid(), i.startInstant().orElse(null), i.command().orElse(null));
  }

  private static boolean alive(ProcessHandle h) {
    return h.isAlive() && !isZombie(h.pid());
  }

  private static boolean isZombie(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String s = Files.readString(stat, StandardCharsets.ISO_8859_1);
      // Format: "pid (comm) S ..." where comm may itself contain ") ".
      int close = s.lastIndexOf(')');
      return close >= 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // no procfs (macOS, Windows) or the process is gone: rely on isAlive()
    }
  }
}
