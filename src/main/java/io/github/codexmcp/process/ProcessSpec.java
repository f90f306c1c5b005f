package io.github.codexmcp.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to launch: argv, working directory, environment additions, and whether stdin comes from the
 * null device (exec mode) instead of a pipe.
 */
public record ProcessSpec(
    List<String> command, Path cwd, Map<String, String> env, boolean stdinFromNull) {
  public ProcessSpec {
    command = List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
  }
}
