package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Helpers shared by the request records. */
final class Params {
  private Params() {}

  static void putIf(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  /** {@code on-failure} is sent as {@code on-request} (rejected by some Codex versions). */
  static String wireApprovalPolicy(String policy) {
    return "on-failure".equals(policy) ? "on-request" : policy;
  }
}
