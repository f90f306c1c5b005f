package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Session-level launch settings ({@code codex} tool parameters). Nullable fields are absent. {@code
 * config} holds {@code advanced.config} in insertion order; {@code approvalTimeoutMs} is how long
 * the session's approvals wait for an answer (null: the default), for a Codex that outlives the
 * server and must settle them without it.
 */
public record LaunchOptions(
    String profile,
    String model,
    String approvalPolicy,
    String sandbox,
    ObjectNode config,
    Path cwd,
    Long approvalTimeoutMs) {

  /** Settings with the default approval timeout. */
  public LaunchOptions(
      String profile,
      String model,
      String approvalPolicy,
      String sandbox,
      ObjectNode config,
      Path cwd) {
    this(profile, model, approvalPolicy, sandbox, config, cwd, null);
  }

  /** This with {@code approvalTimeoutMs}. */
  public LaunchOptions withApprovalTimeout(long ms) {
    return new LaunchOptions(profile, model, approvalPolicy, sandbox, config, cwd, ms);
  }
}
