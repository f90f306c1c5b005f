package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.tools.PollJson;
import io.github.codexmcp.tools.SessionJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The session layer's answers in the tool contract's JSON ({@link SessionJson}, {@link PollJson}),
 * for tests that check the contract through the session operations.
 */
public final class JsonSessions {
  private final SessionManager manager;
  private final SessionPolling polling;

  public JsonSessions(SessionManager manager, SessionPolling polling) {
    this.manager = manager;
    this.polling = polling;
  }

  public static JsonSessions of(SessionManager manager) {
    return new JsonSessions(manager, new SessionPolling(manager));
  }

  public CompletableFuture<ObjectNode> create(SessionRequests.Create req) {
    return manager.create(req).thenApply(SessionJson::turnStarted);
  }

  public CompletableFuture<ObjectNode> reply(SessionRequests.Reply req) {
    return manager.reply(req).thenApply(SessionJson::turnStarted);
  }

  public CompletableFuture<ObjectNode> fork(String sessionId) {
    return manager.fork(sessionId).thenApply(SessionJson::fork);
  }

  public ObjectNode get(String sessionId, boolean includeSensitive) {
    return SessionJson.view(manager.get(sessionId, includeSensitive));
  }

  public List<ObjectNode> list() {
    List<ObjectNode> out = new ArrayList<>();
    manager.list().forEach(v -> out.add(SessionJson.view(v)));
    return out;
  }

  public ObjectNode clean(SessionRequests.Clean req) {
    return SessionJson.clean(manager.clean(req));
  }

  public CompletableFuture<ObjectNode> foreground(
      String sessionId,
      String threadId,
      long waitMs,
      List<String> compatWarnings,
      CompletableFuture<Void> cancelled,
      SessionPolling.WaitObserver observer) {
    return polling
        .foreground(sessionId, threadId, waitMs, compatWarnings, cancelled, observer)
        .thenApply(SessionJson::foreground);
  }

  public ObjectNode poll(String sessionId, PollRequest req) {
    return PollJson.render(polling.poll(sessionId, req));
  }

  public CompletableFuture<ObjectNode> longPoll(
      String sessionId,
      PollRequest req,
      long waitMs,
      CompletableFuture<Void> cancelled,
      SessionPolling.WaitObserver observer) {
    return polling
        .longPoll(sessionId, req, waitMs, cancelled, observer)
        .thenApply(PollJson::render);
  }

  public ObjectNode respondPermission(
      String sessionId, String requestId, ApprovalDecision decision, PollRequest req) {
    return PollJson.render(polling.respondPermission(sessionId, requestId, decision, req));
  }

  public ObjectNode respondUserInput(
      String sessionId, String requestId, ObjectNode answers, PollRequest req) {
    return PollJson.render(polling.respondUserInput(sessionId, requestId, answers, req));
  }
}
