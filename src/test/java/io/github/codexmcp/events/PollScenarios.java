package io.github.codexmcp.events;

import static io.github.codexmcp.events.TestEvents.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic polls over a varied event buffer (every response mode, cursors reset and stale,
 * actions, results, non-ASCII text, a range of {@code maxBytes}), for checking the poll answer's
 * rendering against the recorded contract ({@code /golden/poll-pages.jsonl}).
 */
final class PollScenarios {
  private PollScenarios() {}

  /** One poll: the request, the session state it reads, and the pending request kinds. */
  record Scenario(
      String name,
      PollRequest request,
      PollContext context,
      boolean monotonic,
      List<String> pendingKinds) {}

  static List<Scenario> all() {
    List<Scenario> out = new ArrayList<>();
    for (ResponseMode mode : ResponseMode.values()) {
      out.add(poll("running-" + mode, running(), new PollRequest(0L, 200, mode, null)));
      out.add(poll("window-" + mode, running(), new PollRequest(2L, 5, mode, null)));
    }
    out.add(poll("idle-result", idle(), new PollRequest(0L, 200, ResponseMode.FULL, null)));
    out.add(poll("no-events", idle(), new PollRequest(null, 200, ResponseMode.FULL, null)));
    out.add(
        poll(
            "final-only",
            idle(),
            new PollRequest(0L, 200, ResponseMode.MINIMAL, options(null, null, true, null))));
    out.add(
        poll(
            "no-actions-no-result",
            waiting(),
            new PollRequest(
                0L,
                200,
                ResponseMode.MINIMAL,
                new PollOptions(null, false, false, null, null, null))));
    out.add(
        poll(
            "skip-deltas",
            running(),
            new PollRequest(0L, 200, ResponseMode.FULL, options(true, null, null, null))));
    out.add(poll("reset", evicted(), new PollRequest(0L, 3, ResponseMode.FULL, null)));
    out.add(
        poll(
            "reset-tight",
            evicted(),
            new PollRequest(0L, 30, ResponseMode.FULL, options(null, null, null, 300L))));
    out.add(
        respond("ack-stale", waiting(), new PollRequest(1L, 0, ResponseMode.MINIMAL, null), true));
    out.add(
        respond(
            "respond-stale-tight",
            waiting(),
            new PollRequest(1L, 4, ResponseMode.DELTA_COMPACT, options(null, null, null, 900L)),
            true));
    long[] limits = {1, 50, 120, 200, 300, 450, 600, 800, 1000, 1300, 1700, 2200, 3000, 4500};
    for (long limit : limits) {
      for (ResponseMode mode : ResponseMode.values()) {
        out.add(
            poll(
                "idle-" + mode + "-" + limit,
                idle(),
                new PollRequest(0L, 200, mode, options(null, null, null, limit))));
        out.add(
            poll(
                "waiting-" + mode + "-" + limit,
                waiting(),
                new PollRequest(0L, 200, mode, options(null, null, null, limit))));
        out.add(
            poll(
                "skip-" + mode + "-" + limit,
                running(),
                new PollRequest(0L, 200, mode, options(true, null, null, limit))));
      }
    }
    return out;
  }

  private static PollOptions options(
      Boolean skipDeltas, Boolean includeResult, Boolean finalOnly, Long maxBytes) {
    return new PollOptions(null, null, includeResult, skipDeltas, finalOnly, maxBytes);
  }

  private static Scenario poll(String name, State state, PollRequest request) {
    return new Scenario(name, request, state.context(), false, state.pendingKinds);
  }

  private static Scenario respond(
      String name, State state, PollRequest request, boolean monotonic) {
    return new Scenario(name, request, state.context(), monotonic, state.pendingKinds);
  }

  /** The session slice a poll reads. */
  private static final class State {
    final String status;
    final EventRing ring;
    final long cursor;
    final List<ObjectNode> actions = new ArrayList<>();
    final List<String> pendingKinds = new ArrayList<>();
    ObjectNode result;

    State(String status, EventRing ring, long cursor) {
      this.status = status;
      this.ring = ring;
      this.cursor = cursor;
    }

    PollContext context() {
      ObjectNode progress =
          json(
              "{'phase':'running','lastEventAt':'2026-02-15T10:00:00.000Z',"
                  + "'activeTurnId':'turn_1','pendingActionCount':"
                  + actions.size()
                  + ",'lastMethod':'item/agentMessage/delta',"
                  + "'tokens':{'input':1200,'output':345,'total':1545}}");
      return new PollContext(
          "sess_1",
          status,
          ProgressTracker.pollInterval(status),
          progress,
          cursor,
          actions,
          ProgressTracker.isTerminal(status) ? result : null,
          ring);
    }
  }

  private static State running() {
    return new State(ProgressTracker.RUNNING, buffer(new ManualClock(), 1000, 2000), 0);
  }

  private static State idle() {
    State s = new State(ProgressTracker.IDLE, buffer(new ManualClock(), 1000, 2000), 0);
    s.result =
        json(
            "{'turnId':'turn_1','status':'completed','completedAt':'2026-02-15T10:05:00.000Z',"
                + "'finalMessage':'Fertig: les modifications sont appliquées ✓ — 完成 🎉',"
                + "'usage':{'input':1200,'output':345}}");
    return s;
  }

  private static State waiting() {
    State s = new State(ProgressTracker.WAITING_APPROVAL, buffer(new ManualClock(), 1000, 2000), 5);
    s.actions.add(
        json(
            "{'type':'approval','requestId':'req_1','kind':'command','params':{'threadId':'th',"
                + "'turnId':'turn_1','itemId':'it','command':'curl https://x.test/ä',"
                + "'cwd':'/w','reason':'needs network'},'itemId':'it','reason':'needs network',"
                + "'commandActions':[{'type':'unknown','command':'curl'}],"
                + "'proposedExecpolicyAmendment':['curl'],'availableDecisions':['accept','decline'],"
                + "'createdAt':'2026-02-15T10:00:01.000Z'}"));
    s.actions.add(
        json(
            "{'type':'user_input','requestId':'req_2','kind':'user_input','params':{'threadId':"
                + "'th','turnId':'turn_1','itemId':'it2','questions':[{'id':'q1','header':'Ziel',"
                + "'question':'Welche Datei soll geändert werden?'},{'id':'q2','question':'?'}]},"
                + "'itemId':'it2','createdAt':'2026-02-15T10:00:02.000Z'}"));
    s.pendingKinds.add("command");
    s.pendingKinds.add("user_input");
    return s;
  }

  /** Thirty events pushed into a ring that keeps at most ten. */
  private static State evicted() {
    ManualClock clock = new ManualClock();
    EventRing ring = new EventRing(clock, 5, 10, true);
    for (int i = 0; i < 30; i++) {
      clock.advanceMillis(7);
      ring.push(EventType.PROGRESS, json("{'method':'item/started','itemId':'i" + i + "'}"));
    }
    return new State(ProgressTracker.RUNNING, ring, 0);
  }

  private static EventRing buffer(ManualClock clock, int soft, int hard) {
    EventRing ring = new EventRing(clock, soft, hard, true);
    String longText = "Überlegung → ".repeat(250) + "😀 fin";
    push(ring, clock, EventType.PROGRESS, "{'method':'turn/started','turnId':'turn_1'}");
    push(
        ring,
        clock,
        EventType.PROGRESS,
        "{'method':'item/started','item':{'type':'reasoning','id':'r1'},'turnId':'turn_1'}");
    ObjectNode reasoning = json("{'method':'item/reasoning/textDelta','itemId':'r1'}");
    reasoning.put("delta", longText);
    clock.advanceMillis(13);
    ring.push(EventType.OUTPUT, reasoning);
    for (int i = 0; i < 6; i++) {
      push(
          ring,
          clock,
          EventType.OUTPUT,
          "{'method':'item/agentMessage/delta','itemId':'m"
              + i
              + "','delta':'Teil "
              + i
              + " — ä'}");
    }
    push(
        ring,
        clock,
        EventType.OUTPUT,
        "{'method':'item/commandExecution/outputDelta','itemId':'c1','turnId':'turn_1',"
            + "'delta':'total 0\\ndrwxr-xr-x  2 user  staff  64 Feb 15 10:00 .\\n'}");
    push(
        ring,
        clock,
        EventType.PROGRESS,
        "{'method':'item/completed','item':{'type':'commandExecution','id':'c1',"
            + "'command':'ls -la','cwd':'/w','status':'completed','exitCode':0,"
            + "'aggregatedOutput':'total 0'},'turnId':'turn_1','threadId':'th'}");
    push(
        ring,
        clock,
        EventType.ERROR,
        "{'method':'error','error':{'message':'stream disconnected'},'willRetry':true,"
            + "'retryCount':1,'maxRetries':5,'turnId':'turn_1'}");
    push(
        ring,
        clock,
        EventType.APPROVAL_REQUEST,
        "{'method':'item/commandExecution/requestApproval','requestId':'req_1',"
            + "'kind':'command','reason':'needs network','command':'curl','cwd':'/w'}");
    push(
        ring,
        clock,
        EventType.RESULT,
        "{'method':'turn/completed','turnId':'turn_1','status':'completed'}");
    return ring;
  }

  private static void push(EventRing ring, ManualClock clock, EventType type, String data) {
    clock.advanceMillis(13);
    ring.push(type, json(data));
  }
}
