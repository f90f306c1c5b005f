package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.FormAnswer;
import io.github.codexmcp.client.FormRequest;
import io.github.codexmcp.util.CodexMcpException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code elicit} approval channel: each parked request of a session that chose it is also shown
 * to the user as a form (it stays in {@code actions[]} meanwhile). Whichever answer comes first
 * wins: the form's answer goes through the same path as {@code codex_check}'s, so a later answer
 * from either side gets {@code REQUEST_NOT_FOUND} (a late form answer is dropped quietly), and a
 * request answered or timed out elsewhere has its form withdrawn. Accept applies the chosen
 * decision (or the answers); decline declines an approval; cancel, no usable answer or a declined
 * question end the request as its timeout does.
 *
 * <p>Threads: {@link #offer} and {@link #resolved} are called from any thread with no lock held
 * (they only hand the form to {@link ClientForms}, which never blocks); form answers arrive on the
 * stdin reader and are carried out on {@code work}, since answering writes to Codex. The open forms
 * and the sessions that chose the channel are concurrent collections; removing a form's entry is
 * how its answer and its withdrawal decide which one goes on.
 */
final class ElicitationChannel {
  private static final Logger LOG = LoggerFactory.getLogger(ElicitationChannel.class);

  /** Answers a parked request; throws {@link CodexMcpException} when it cannot be answered. */
  interface Responder {
    void permission(String sessionId, String requestId, String decision);

    void userInput(String sessionId, String requestId, ObjectNode answers);

    /** Ends the request as its approval timeout does. */
    void expire(String sessionId, String requestId);
  }

  /** The compat warning of a session that chose {@code elicit} on a client without forms. */
  static final String UNAVAILABLE_WARNING =
      "approvalChannel=elicit: this client did not declare the MCP elicitation capability (forms);"
          + " approvals and questions come through codex_check actions[] instead.";

  private final ClientForms forms;
  private final Executor work;

  /** Open forms by session id, then request id. */
  private final Map<String, Map<String, ClientForms.PendingForm>> open = new ConcurrentHashMap<>();

  /** Sessions that chose the {@code elicit} channel. */
  private final Set<String> chosen = ConcurrentHashMap.newKeySet();

  ElicitationChannel(ClientForms forms, Executor work) {
    this.forms = forms;
    this.work = work;
  }

  /**
   * Records the channel a session chose ({@code poll}, {@code elicit}; null keeps the current one).
   * Returns the compat warning when {@code elicit} cannot be honoured, else null.
   */
  String choose(String sessionId, String channel) {
    if ("elicit".equals(channel)) {
      chosen.add(sessionId);
      return forms.supported() ? null : UNAVAILABLE_WARNING;
    }
    if ("poll".equals(channel)) {
      chosen.remove(sessionId);
    }
    return null;
  }

  /**
   * Shows the request as a form when its session chose {@code elicit}, the client can show forms
   * and the kind is offered.
   */
  void offer(
      String sessionId, String requestId, String kind, JsonNode params, Responder responder) {
    if (!chosen.contains(sessionId) || !forms.supported() || !ApprovalForms.offered(kind)) {
      return;
    }
    FormRequest form = ApprovalForms.form(sessionId, kind, params);
    List<String> decisions = ApprovalForms.decisions(kind, params);
    ClientForms.PendingForm pending = forms.ask(form);
    open.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>()).put(requestId, pending);
    pending
        .answer()
        .thenAcceptAsync(
            a -> {
              if (take(sessionId, requestId, pending)) {
                apply(sessionId, requestId, kind, form, decisions, a, responder);
              }
            },
            work);
  }

  /** The request was answered or ended another way: withdraws its form, if any. */
  void resolved(String sessionId, String requestId) {
    Map<String, ClientForms.PendingForm> forSession = open.get(sessionId);
    ClientForms.PendingForm pending = forSession == null ? null : forSession.remove(requestId);
    if (pending != null) {
      pending.withdraw("The request was answered or ended another way.");
    }
  }

  /**
   * Withdraws the forms of {@code s} whose requests are no longer pending. Called with no lock held
   * after each transition; takes the session's lock briefly only when it has open forms.
   */
  void sweep(Session s) {
    Map<String, ClientForms.PendingForm> forSession = open.get(s.id);
    if (forSession == null || forSession.isEmpty()) {
      return;
    }
    Set<String> pending = new HashSet<>();
    synchronized (s) {
      s.pending.unresolved().forEach(p -> pending.add(p.requestId));
    }
    for (String requestId : List.copyOf(forSession.keySet())) {
      if (!pending.contains(requestId)) {
        resolved(s.id, requestId);
      }
    }
  }

  /** Forms awaiting an answer (tests). */
  int openCount() {
    int n = 0;
    for (Map<String, ClientForms.PendingForm> m : open.values()) {
      n += m.size();
    }
    return n;
  }

  /** Removes the form if it is still the open one; true when this caller took it. */
  private boolean take(String sessionId, String requestId, ClientForms.PendingForm pending) {
    Map<String, ClientForms.PendingForm> forSession = open.get(sessionId);
    return forSession != null && forSession.remove(requestId, pending);
  }

  private static void apply(
      String sessionId,
      String requestId,
      String kind,
      FormRequest form,
      List<String> decisions,
      FormAnswer a,
      Responder responder) {
    try {
      boolean question = "user_input".equals(kind);
      if (a.action() == FormAnswer.Action.ACCEPT) {
        if (question) {
          ObjectNode answers = ApprovalForms.answers(form, a);
          if (answers != null) {
            responder.userInput(sessionId, requestId, answers);
            return;
          }
        } else {
          String decision = ApprovalForms.decision(a, decisions);
          if (decision != null) {
            responder.permission(sessionId, requestId, decision);
            return;
          }
        }
      } else if (a.action() == FormAnswer.Action.DECLINE && !question) {
        responder.permission(sessionId, requestId, "decline");
        return;
      }
      responder.expire(sessionId, requestId);
    } catch (CodexMcpException e) {
      // answered another way first, or the session is gone: the other answer stands
      LOG.debug("[codex-mcp] form answer for {} not applied: {}", requestId, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("[codex-mcp] form answer for {} failed: {}", requestId, e.toString());
    }
  }
}
