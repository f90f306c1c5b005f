package io.github.codexmcp.process;

import java.io.IOException;

/** Seam for starting child processes; tests substitute in-memory children. */
public interface ProcessLauncher {
  /** Starts the process; throws when it cannot be spawned (missing binary, bad cwd). */
  ChildProcess start(ProcessSpec spec) throws IOException;
}
