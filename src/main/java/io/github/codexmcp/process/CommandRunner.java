package io.github.codexmcp.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs a short-lived probe command to completion (help text, version, login status). */
public interface CommandRunner {
  /** Result of a probe; {@code spawnError} is set when the process could not start. */
  record Result(
      Integer exitCode, String stdout, String stderr, boolean timedOut, String spawnError) {
    /** stdout and stderr joined by a newline, trimmed. */
    public String combined() {
      return ((stdout == null ? "" : stdout) + "\n" + (stderr == null ? "" : stderr)).trim();
    }
  }

  /** Runs {@code argv} with stdin from the null device; blocks up to {@code timeout} plus grace. */
  Result run(List<String> argv, Map<String, String> extraEnv, Duration timeout);
}
