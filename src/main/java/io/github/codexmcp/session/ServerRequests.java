package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.Answers;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.codex.protocol.RequestKind;
import io.github.codexmcp.codex.protocol.ServerRequestReply;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Requests initiated by Codex: parks approvals and questions for the client, answers the rest at
 * once, and sends the client's answers back. Every request gets exactly one answer: an answer first
 * claims the request under the session's lock (so a second answer, from any channel, finds it
 * gone), is written to Codex with no lock held, then committed (or rolled back when the write
 * failed). Called from the session's inbox (Codex's requests), tool-call threads (answers) and the
 * work pool (form answers, and timeouts, which the timer only hands over); no state of its own
 * besides the set of unknown methods already logged.
 */
final class ServerRequests {
  private final SessionRegistry registry;
  private final SessionEffects effects;
  private final Timer timer;
  private final Executor work;
  private final Supplier<String> uuids;
  private final Set<String> loggedUnknown = ConcurrentHashMap.newKeySet();
  private final ElicitationChannel elicitation;
  private final ElicitationChannel.Responder formAnswers = new FormAnswers();

  ServerRequests(
      SessionRegistry registry,
      SessionEffects effects,
      Timer timer,
      Executor work,
      Supplier<String> uuids,
      ElicitationChannel elicitation) {
    this.registry = registry;
    this.effects = effects;
    this.timer = timer;
    this.work = work;
    this.uuids = uuids;
    this.elicitation = elicitation;
  }

  /** A request from {@code backend}, the backend of {@code s}. */
  void handle(Session s, CodexBackend backend, JsonNode rpcId, String method, JsonNode raw) {
    ObjectNode params = raw instanceof ObjectNode o ? o : Json.object();
    RequestKind kind = RequestKind.parked(method, params);
    ServerRequestReply now = null;
    PendingRequest parked = null;
    Effects e;
    synchronized (s) {
      if (s.status() == SessionStatus.CANCELLED || s.status() == SessionStatus.ERROR) {
        now = Answers.immediate(rpcId, method, kind, true);
        e = Effects.NONE;
      } else {
        s.touch();
        s.progress.observe(method, params);
        Effects.Builder fx = new Effects.Builder().wake();
        if (kind == null) {
          now = Answers.immediate(rpcId, method, null, false);
          logImmediate(method);
        } else {
          PendingRequest p =
              new PendingRequest(
                  "req_" + uuids.get().substring(0, 8), kind, rpcId, method, params, s.now());
          String again = s.pending.recoveredId(p); // sent again after a re-attachment
          if (again != null) {
            p = new PendingRequest(again, kind, rpcId, method, params, s.now());
          }
          String requestId = p.requestId;
          // the timeout's answer is written to Codex: on the work pool, never the timer thread
          p.timeout =
              timer.schedule(
                  Duration.ofMillis(s.approvalTimeoutMs),
                  () -> work.execute(() -> timeout(s, requestId)));
          s.pending.park(s, p, fx);
          parked = p;
        }
        e = s.effects(fx);
      }
    }
    if (now != null) {
      SessionEffects.send(backend, now);
    }
    effects.apply(s, e);
    if (parked != null) {
      // the elicit channel: also a form for the user, while the request waits in actions[]
      elicitation.offer(s.id, parked.requestId, parked.kind.wireName(), params, formAnswers);
      // an answer that came meanwhile swept before the form was open: look again
      elicitation.sweep(s);
    }
  }

  /** Form answers take the paths of {@code codex_check}'s answers and of the timeout. */
  private final class FormAnswers implements ElicitationChannel.Responder {
    @Override
    public void permission(String sessionId, String requestId, String decision) {
      respondPermission(sessionId, requestId, ApprovalDecision.parse(decision, null, null, null));
    }

    @Override
    public void userInput(String sessionId, String requestId, ObjectNode answers) {
      respondUserInput(sessionId, requestId, answers);
    }

    @Override
    public void expire(String sessionId, String requestId) {
      timeout(registry.require(sessionId), requestId);
    }
  }

  private void logImmediate(String method) {
    if (Answers.isLegacyApproval(method)) {
      SessionEffects.LOG.info("[codex-mcp] Legacy approval request received: {}", method);
    } else if (!Answers.isKnown(method) && loggedUnknown.add(method)) {
      SessionEffects.LOG.info("[codex-mcp] Unhandled server request: {}", method);
    }
  }

  private void timeout(Session s, String requestId) {
    Effects e;
    synchronized (s) {
      Effects.Builder fx = new Effects.Builder();
      s.pending.timeout(s, requestId, fx);
      e = s.effects(fx);
    }
    effects.apply(s, e);
  }

  // ---------------------------------------------------------------- client answers

  /** {@code respond_permission}; throws {@link CodexMcpException} on any failure. */
  void respondPermission(String sessionId, String requestId, ApprovalDecision d) {
    Session s = registry.require(sessionId);
    PendingRequest p;
    JsonNode answer;
    synchronized (s) {
      PendingRequest candidate = s.pending.peek(requestId);
      if (candidate == null) {
        throw SessionErrors.requestNotFound(requestId);
      }
      answer = Answers.approval(candidate.kind, requestId, d, candidate.params);
      p = claim(s, candidate);
    }
    ObjectNode ev = Json.object().put("requestId", requestId).put("kind", p.kind.wireName());
    String approvalId = p.optStr("approvalId");
    if (approvalId != null) {
      ev.put("approvalId", approvalId);
    }
    ev.put("decision", d.decision().wireName());
    if (d.denyMessage() != null) {
      ev.put("denyMessage", d.denyMessage());
    }
    deliver(s, p, answer, ev);
  }

  /** {@code respond_user_input}; throws {@link CodexMcpException} on any failure. */
  void respondUserInput(String sessionId, String requestId, ObjectNode answers) {
    Session s = registry.require(sessionId);
    PendingRequest p;
    synchronized (s) {
      PendingRequest candidate = s.pending.peek(requestId);
      if (candidate == null || !candidate.kind.takesAnswers()) {
        throw SessionErrors.userInputNotFound(requestId);
      }
      p = claim(s, candidate);
    }
    JsonNode answer = Answers.userInput(p.kind, answers);
    ObjectNode ev = Json.object().put("requestId", requestId).put("kind", p.kind.wireName());
    String approvalId = p.optStr("approvalId");
    if (approvalId != null) {
      ev.put("approvalId", approvalId);
    }
    ev.set("answers", redactSecrets(p, answers));
    deliver(s, p, answer, ev);
  }

  /** Claims {@code p} for this answer; caller holds the lock. */
  private static PendingRequest claim(Session s, PendingRequest p) {
    if (s.backend() == null) {
      throw CodexMcpException.internal(
          "Missing response handler for request '" + p.requestId + "'");
    }
    return s.pending.claim(p.requestId);
  }

  /** Writes the claimed request's answer with no lock held, then commits or rolls back. */
  private void deliver(Session s, PendingRequest p, JsonNode answer, ObjectNode resultEvent) {
    CodexBackend backend;
    synchronized (s) {
      backend = s.backend();
    }
    try {
      if (backend == null) {
        throw new IllegalStateException("Client destroyed");
      }
      backend.respond(p.rpcId, answer);
    } catch (RuntimeException err) {
      synchronized (s) {
        s.pending.rollback(s, p);
      }
      throw CodexMcpException.internal(
          "Failed to send response: session="
              + s.id
              + " request="
              + p.requestId
              + " kind="
              + p.kind.wireName()
              + " error="
              + ErrorMessages.messageOf(err));
    }
    Effects e;
    synchronized (s) {
      Effects.Builder fx = new Effects.Builder().wake();
      s.pending.commit(s, p, resultEvent, fx);
      e = s.effects(fx);
    }
    effects.apply(s, e);
  }

  /** Answers to questions flagged {@code isSecret} are replaced in the event (Codex gets them). */
  private static JsonNode redactSecrets(PendingRequest p, ObjectNode answers) {
    JsonNode questions = p.params.get("questions");
    if (questions == null || !questions.isArray()) {
      return answers;
    }
    ObjectNode copy = answers.deepCopy();
    for (JsonNode q : questions) {
      if (q.path("isSecret").asBoolean(false) && copy.has(q.path("id").asText())) {
        copy.set(q.path("id").asText(), Json.object().set("answers", Json.array().add("<secret>")));
      }
    }
    return copy;
  }
}
