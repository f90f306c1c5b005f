package io.github.codexmcp.session;

import java.nio.file.Path;

/**
 * Where and how a session's turns run. Immutable: a session replaces it when a turn's overrides
 * take effect.
 */
record Settings(Path cwd, String model, String approvalPolicy, String sandbox) {
  static final Settings NONE = new Settings(null, null, null, null);

  /** These settings with each non-null argument taking effect. */
  Settings with(Path newCwd, String newModel, String newPolicy, String newSandbox) {
    return new Settings(
        newCwd != null ? newCwd : cwd,
        newModel != null ? newModel : model,
        newPolicy != null ? newPolicy : approvalPolicy,
        newSandbox != null ? newSandbox : sandbox);
  }
}
