package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
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
   * What can be wrong with a decision and its amendments: the one list of these rules ({@link
   * #problems}). Each problem is worded twice, as the contract has it: as an issue of the tool's
   * input check ({@link #inputIssue}, reported in an input-validation error) and as the error of an
   * answer that reached the session ({@link #message}, {@code Error [INVALID_ARGUMENT]: ...}).
   */
  public enum Problem {
    EXEC_MISSING(
        "execpolicy_amendment: execpolicy_amendment is required and must be non-empty when decision='acceptWithExecpolicyAmendment'.",
        "execpolicy_amendment required for acceptWithExecpolicyAmendment"),
    EXEC_NOT_ALLOWED(
        "execpolicy_amendment: execpolicy_amendment is only allowed when decision='acceptWithExecpolicyAmendment'.",
        "execpolicy_amendment is only valid with decision='acceptWithExecpolicyAmendment'"),
    NETWORK_MISSING(
        "network_policy_amendment: network_policy_amendment is required when decision='applyNetworkPolicyAmendment'.",
        "network_policy_amendment required for applyNetworkPolicyAmendment"),
    NETWORK_NOT_ALLOWED(
        "network_policy_amendment: network_policy_amendment is only allowed when decision='applyNetworkPolicyAmendment'.",
        "network_policy_amendment is only valid with decision='applyNetworkPolicyAmendment'");

    private final String inputIssue;
    private final String message;

    Problem(String inputIssue, String message) {
      this.inputIssue = inputIssue;
      this.message = message;
    }

    /** The wording of the tool's input check ({@code field: message.}). */
    public String inputIssue() {
      return inputIssue;
    }

    /** The wording of the answer's {@code INVALID_ARGUMENT} error. */
    public String message() {
      return message;
    }
  }

  /**
   * The problems of {@code decision} with the amendments given, in the order they are checked;
   * empty when there are none.
   *
   * @param exec the {@code execpolicy_amendment} entries, null when absent or not a list
   * @param execGiven whether {@code execpolicy_amendment} is present (and not null)
   * @param networkGiven whether {@code network_policy_amendment} is present (and not null)
   */
  public static List<Problem> problems(
      String decision, List<String> exec, boolean execGiven, boolean networkGiven) {
    List<Problem> out = new ArrayList<>(2);
    if (Decision.ACCEPT_WITH_EXECPOLICY_AMENDMENT.wireName().equals(decision)) {
      if (exec == null || exec.isEmpty()) {
        out.add(Problem.EXEC_MISSING);
      }
    } else if (execGiven) {
      out.add(Problem.EXEC_NOT_ALLOWED);
    }
    if (Decision.APPLY_NETWORK_POLICY_AMENDMENT.wireName().equals(decision)) {
      if (!networkGiven) {
        out.add(Problem.NETWORK_MISSING);
      }
    } else if (networkGiven) {
      out.add(Problem.NETWORK_NOT_ALLOWED);
    }
    return out;
  }

  /**
   * Reads and validates a decision with its amendments; throws {@code INVALID_ARGUMENT} naming the
   * first problem ({@link #problems}, then the host rule's own fields, then the decision's name).
   *
   * @param decision the wire name
   * @param exec {@code execpolicy_amendment} entries, null when absent
   * @param net {@code network_policy_amendment}, null (or JSON null) when absent
   */
  public static ApprovalDecision parse(
      String decision, List<String> exec, JsonNode net, String denyMessage) {
    boolean hasNet = net != null && !net.isNull();
    List<Problem> problems = problems(decision, exec, exec != null, hasNet);
    if (!problems.isEmpty()) {
      throw CodexMcpException.invalid(problems.get(0).message());
    }
    NetworkAmendment network = null;
    if (hasNet) {
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
    }
    Decision d =
        Decision.fromWire(decision)
            .orElseThrow(() -> CodexMcpException.invalid("Unknown decision '" + decision + "'"));
    return new ApprovalDecision(d, exec, network, denyMessage);
  }
}
