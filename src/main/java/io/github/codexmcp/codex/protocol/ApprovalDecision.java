package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Json;
import java.util.List;

/**
 * A client's answer to an approval request, checked once when it is read ({@link #parse}); what a
 * particular request accepts on top of that is checked by {@link Answers#approval}.
 *
 * @param decision the decision
 * @param execAmendment the command prefix rule for {@link
 *     Decision#ACCEPT_WITH_EXECPOLICY_AMENDMENT} (non-empty), else null
 * @param networkAmendment the host rule for {@link Decision#APPLY_NETWORK_POLICY_AMENDMENT}, else
 *     null
 * @param denyMessage a note for the event log, or null
 */
public record ApprovalDecision(
    Decision decision,
    List<String> execAmendment,
    NetworkAmendment networkAmendment,
    String denyMessage) {

  public ApprovalDecision {
    execAmendment = execAmendment == null ? null : List.copyOf(execAmendment);
  }

  /** A decision without amendments. */
  public static ApprovalDecision of(Decision d) {
    return new ApprovalDecision(d, null, null, null);
  }

  /**
   * Reads and validates a decision with its amendments; throws {@code INVALID_ARGUMENT} naming the
   * first problem.
   *
   * @param decision the wire name
   * @param exec {@code execpolicy_amendment} entries, null when absent
   * @param net {@code network_policy_amendment}, null (or JSON null) when absent
   */
  public static ApprovalDecision parse(
      String decision, List<String> exec, JsonNode net, String denyMessage) {
    if (Decision.ACCEPT_WITH_EXECPOLICY_AMENDMENT.wireName().equals(decision)) {
      if (exec == null || exec.isEmpty()) {
        throw CodexMcpException.invalid(
            "execpolicy_amendment required for acceptWithExecpolicyAmendment");
      }
    } else if (exec != null) {
      throw CodexMcpException.invalid(
          "execpolicy_amendment is only valid with decision='acceptWithExecpolicyAmendment'");
    }
    NetworkAmendment network = null;
    boolean hasNet = net != null && !net.isNull();
    if (Decision.APPLY_NETWORK_POLICY_AMENDMENT.wireName().equals(decision)) {
      if (!hasNet) {
        throw CodexMcpException.invalid(
            "network_policy_amendment required for applyNetworkPolicyAmendment");
      }
      String action = Json.text(net, "action");
      if (!"allow".equals(action) && !"deny".equals(action)) {
        throw CodexMcpException.invalid(
            "network_policy_amendment.action must be 'allow' or 'deny'");
      }
      String host = Json.text(net, "host");
      if (host == null || host.isEmpty()) {
        throw CodexMcpException.invalid(
            "network_policy_amendment.host required for applyNetworkPolicyAmendment");
      }
      network = new NetworkAmendment(action, host);
    } else if (hasNet) {
      throw CodexMcpException.invalid(
          "network_policy_amendment is only valid with decision='applyNetworkPolicyAmendment'");
    }
    Decision d =
        Decision.fromWire(decision)
            .orElseThrow(() -> CodexMcpException.invalid("Unknown decision '" + decision + "'"));
    return new ApprovalDecision(d, exec, network, denyMessage);
  }
}
