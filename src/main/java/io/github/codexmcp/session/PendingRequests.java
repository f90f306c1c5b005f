package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.Answers;
import io.github.codexmcp.codex.protocol.RequestKind;
import io.github.codexmcp.codex.protocol.ServerRequestReply;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's parked requests and the transitions on them: park, claim (the first answer wins),
 * commit or roll back a sent answer, time out, resolved by Codex, settle all on teardown. Part of
 * the session's state: every method is called with the owning {@link Session}'s monitor held, and
 * adds what must follow (answers to Codex, documents to persist) to the given {@link
 * Effects.Builder}.
 */
final class PendingRequests {
  private final Map<String, PendingRequest> byId = new LinkedHashMap<>();

  /**
   * Requests a previous server had parked and persisted (its {@code approval_request} event) and
   * nobody answered, by {@link #recoveryKey}: Codex sends them again when the thread is resumed,
   * and they take their old request id without a second event.
   */
  private final Map<String, ObjectNode> recovered = new LinkedHashMap<>();

  int unresolvedCount() {
    int n = 0;
    for (PendingRequest p : byId.values()) {
      if (!p.resolved) {
        n++;
      }
    }
    return n;
  }

  /** Unresolved requests in arrival order. */
  List<PendingRequest> unresolved() {
    List<PendingRequest> out = new ArrayList<>();
    for (PendingRequest p : byId.values()) {
      if (!p.resolved) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Action types of unresolved requests in first-seen order ({@code approval}, {@code user_input}).
   */
  List<String> actionTypes() {
    List<String> out = new ArrayList<>();
    for (PendingRequest p : byId.values()) {
      if (!p.resolved && !out.contains(p.actionType())) {
        out.add(p.actionType());
      }
    }
    return out;
  }

  /** Parks {@code p}: the session waits for the client. */
  void park(Session s, PendingRequest p, Effects.Builder fx) {
    byId.put(p.requestId, p);
    s.parked();
    ObjectNode before = recovered.remove(recoveryKey(p.toRequestEvent()));
    if (before == null || !p.requestId.equals(Json.text(before, "requestId"))) {
      s.push(EventType.APPROVAL_REQUEST, p.toRequestEvent(), true);
    }
    fx.meta().wake();
  }

  /**
   * Remembers a persisted, unanswered {@code approval_request} event ({@code data}) of a previous
   * server, so the same request sent again by Codex takes its id ({@link #recoveredId}).
   */
  void recovered(ObjectNode data) {
    if (Json.text(data, "requestId") != null) {
      recovered.put(recoveryKey(data), data);
    }
  }

  /** The id a previous server gave the request {@code candidate} describes, or null. */
  String recoveredId(PendingRequest candidate) {
    ObjectNode before = recovered.get(recoveryKey(candidate.toRequestEvent()));
    return before == null ? null : Json.text(before, "requestId");
  }

  /**
   * Codex no longer waits for the remembered requests it did not send again (settled while no
   * server was there, by the keeper at their timeout): each is logged as timed out, as {@link
   * #timeout} logs it, and forgotten.
   */
  void settleUnsent(Session s, Effects.Builder fx) {
    for (ObjectNode data : recovered.values()) {
      ObjectNode ev = Json.object().put("requestId", Json.text(data, "requestId"));
      String kind = Json.text(data, "kind");
      ev.put("kind", kind);
      String approvalId = Json.text(data, "approvalId");
      if (approvalId != null) {
        ev.put("approvalId", approvalId);
      }
      if (!RequestKind.USER_INPUT.wireName().equals(kind)) {
        ev.put("decision", "decline");
      }
      ev.put("timeout", true);
      s.push(EventType.APPROVAL_RESULT, ev, true);
      fx.meta().wake();
    }
    recovered.clear();
    s.settled();
  }

  /**
   * What identifies a request across servers: its kind and the item it is about (and its approval
   * id, when it has one), never the rest of its text, which Codex may phrase or format differently
   * when it sends the request again (another reason, other decisions, a newer Codex). A request
   * about no item (a question to the user, an elicitation) is told by its whole event data without
   * our request id.
   */
  static String recoveryKey(JsonNode eventData) {
    String kind = String.valueOf(Json.text(eventData, "kind"));
    String itemId = Json.text(eventData, "itemId");
    if (itemId != null) {
      String approvalId = Json.text(eventData, "approvalId");
      return Json.array().add(kind).add(itemId).add(approvalId).toString();
    }
    ObjectNode copy = eventData.deepCopy();
    copy.remove("requestId");
    return Json.array().add(kind).add(copy).toString();
  }

  /** The unresolved request {@code requestId}, or null. */
  PendingRequest peek(String requestId) {
    PendingRequest p = byId.get(requestId);
    return p == null || p.resolved ? null : p;
  }

  /**
   * Claims an unresolved request for an answer: no other answer can claim it until {@link
   * #rollback}. Null when there is no such request (or it was answered already).
   */
  PendingRequest claim(String requestId) {
    PendingRequest p = byId.get(requestId);
    if (p == null || p.resolved) {
      return null;
    }
    p.resolved = true;
    return p;
  }

  /** The claimed request's answer reached Codex: log it and drop the request. */
  void commit(Session s, PendingRequest p, ObjectNode resultEvent, Effects.Builder fx) {
    if (byId.get(p.requestId) != p) {
      return; // settled meanwhile (cancel, teardown): that transition logged the outcome
    }
    s.push(EventType.APPROVAL_RESULT, resultEvent, true);
    finish(s, p, fx);
  }

  /** The claimed request's answer could not be written: it stays answerable. */
  void rollback(Session s, PendingRequest p) {
    if (byId.get(p.requestId) == p) {
      p.resolved = false;
      s.answerUnsent();
    }
  }

  /** Nobody answered in time: Codex gets a refusal. */
  void timeout(Session s, String requestId, Effects.Builder fx) {
    PendingRequest p = byId.get(requestId);
    if (p == null || p.resolved) {
      return;
    }
    p.resolved = true;
    fx.reply(s.backend(), ServerRequestReply.result(p.rpcId, Answers.timeout(p.kind)));
    ObjectNode ev = Json.object().put("requestId", requestId).put("kind", p.kind.wireName());
    String approvalId = p.optStr("approvalId");
    if (approvalId != null && p.kind == RequestKind.COMMAND) {
      ev.put("approvalId", approvalId);
    }
    if (p.kind != RequestKind.USER_INPUT) {
      ev.put("decision", "decline");
    }
    ev.put("timeout", true);
    s.push(EventType.APPROVAL_RESULT, ev, true);
    finish(s, p, fx.wake());
  }

  /** {@code serverRequest/resolved}: Codex settled the request with JSON-RPC id {@code rid}. */
  void resolvedByCodex(Session s, JsonNode rid, Effects.Builder fx) {
    for (PendingRequest p : new ArrayList<>(byId.values())) {
      if (!p.resolved && p.rpcId != null && p.rpcId.asText().equals(rid.asText())) {
        p.resolved = true;
        s.push(
            EventType.APPROVAL_RESULT,
            Json.object()
                .put("requestId", p.requestId)
                .put("kind", p.kind.wireName())
                .put("decision", "cancel")
                .put("resolvedBy", "codex"),
            true);
        finish(s, p, fx);
      }
    }
  }

  /** Answers (through {@code backend}, when there is one) and drops every request. */
  void settleAll(CodexBackend backend, Effects.Builder fx) {
    for (Iterator<PendingRequest> it = byId.values().iterator(); it.hasNext(); ) {
      PendingRequest p = it.next();
      if (p.timeout != null) {
        p.timeout.cancel();
      }
      if (!p.resolved && backend != null) {
        p.resolved = true;
        fx.reply(backend, ServerRequestReply.result(p.rpcId, Answers.cancel(p.kind)));
      }
      it.remove();
    }
  }

  /**
   * Drops every request without answering it (the server leaves a running turn to its detached
   * Codex, which keeps the requests open and sends them again to the next server); persisted state
   * keeps them as they are.
   */
  void forgetAll() {
    for (PendingRequest p : byId.values()) {
      if (p.timeout != null) {
        p.timeout.cancel();
      }
    }
    byId.clear();
  }

  private void finish(Session s, PendingRequest p, Effects.Builder fx) {
    if (p.timeout != null) {
      p.timeout.cancel();
    }
    byId.remove(p.requestId);
    s.settled();
    fx.meta();
  }
}
