package io.github.codexmcp.codex.protocol;

import java.util.Optional;

/** The decisions a client may give on an approval request: the one list the server accepts. */
public enum Decision {
  ACCEPT("accept"),
  ACCEPT_FOR_SESSION("acceptForSession"),
  ACCEPT_WITH_EXECPOLICY_AMENDMENT("acceptWithExecpolicyAmendment"),
  APPLY_NETWORK_POLICY_AMENDMENT("applyNetworkPolicyAmendment"),
  DECLINE("decline"),
  CANCEL("cancel");

  private final String wireName;

  Decision(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** accept, acceptForSession, decline, cancel: the decisions every approval kind understands. */
  public boolean isSimple() {
    return this == ACCEPT || this == ACCEPT_FOR_SESSION || this == DECLINE || this == CANCEL;
  }

  /** decline, cancel and acceptForSession are accepted even when Codex did not advertise them. */
  public boolean isAlwaysAllowed() {
    return this == DECLINE || this == CANCEL || this == ACCEPT_FOR_SESSION;
  }

  /** The decision with this wire name (case-sensitive), or empty. */
  public static Optional<Decision> fromWire(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (Decision d : values()) {
      if (d.wireName.equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
