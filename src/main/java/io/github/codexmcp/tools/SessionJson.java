package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ActionType;
import io.github.codexmcp.events.InteractionState;
import io.github.codexmcp.events.NextAction;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.session.CleanResult;
import io.github.codexmcp.session.ForegroundResult;
import io.github.codexmcp.session.ForkResult;
import io.github.codexmcp.session.SessionView;
import io.github.codexmcp.session.TurnStarted;
import io.github.codexmcp.session.WaitResult;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;

/** The tool contract's JSON for what the session layer returns. Stateless. */
public final class SessionJson {
  /** The poll interval suggested while a turn runs, and after a fork. */
  static final long POLL_INTERVAL_RUNNING = 120_000;

  private SessionJson() {}

  /** A started turn, answered in the background. */
  public static ObjectNode turnStarted(TurnStarted t) {
    ObjectNode o = Json.object();
    o.put("sessionId", t.sessionId());
    o.put("threadId", t.threadId());
    o.put("status", "running");
    o.put("pollInterval", POLL_INTERVAL_RUNNING);
    if (!t.compatWarnings().isEmpty()) {
      ArrayNode w = o.putArray("compatWarnings");
      t.compatWarnings().forEach(w::add);
    }
    if (t.steered()) {
      o.put("steered", true);
    }
    o.set("progress", t.progress());
    o.putObject("execution").put("requested", "background").put("effective", "background");
    o.put("interactionState", InteractionState.WORKING.wireName());
    o.put("recommendedNextAction", NextAction.POLL.wireName());
    return o;
  }

  /** The end of a foreground wait. */
  public static ObjectNode foreground(ForegroundResult r) {
    ObjectNode o = Json.object();
    o.put("sessionId", r.sessionId());
    if (r.threadId() != null) {
      o.put("threadId", r.threadId());
    }
    String status = r.status().wireName();
    boolean terminal = r.status().isTerminal();
    if (terminal && r.result() != null) {
      o.set("result", r.result());
    }
    o.put("status", status);
    if (r.completedAt() != null) {
      o.put("completedAt", r.completedAt());
    }
    if (!r.compatWarnings().isEmpty()) {
      ArrayNode w = o.putArray("compatWarnings");
      r.compatWarnings().forEach(w::add);
    }
    o.set("progress", r.progress());
    if (r.pollInterval() != null) {
      o.put("pollInterval", r.pollInterval());
    }
    ObjectNode exec = o.putObject("execution");
    exec.put("requested", "foreground");
    exec.put("effective", terminal ? "foreground" : "background");
    exec.put("waitForResultMs", r.waitForResultMs());
    if (r.fallbackReason() != null) {
      exec.put("fallbackReason", r.fallbackReason());
    }
    o.put("interactionState", ProgressTracker.interactionState(status).wireName());
    List<String> types = new ArrayList<>();
    for (ActionType t : r.pendingActionTypes()) {
      types.add(t.wireName());
    }
    o.put("recommendedNextAction", ProgressTracker.recommendedNextAction(status, types).wireName());
    return o;
  }

  /** A session in {@code codex_session list/get}. */
  public static ObjectNode view(SessionView v) {
    ObjectNode o = Json.object();
    o.put("sessionId", v.sessionId());
    o.put("status", v.status().wireName());
    o.put("createdAt", v.createdAt());
    o.put("lastActiveAt", v.lastActiveAt());
    putIf(o, "cancelledAt", v.cancelledAt());
    putIf(o, "cancelledReason", v.cancelledReason());
    putIf(o, "model", v.model());
    putIf(o, "approvalPolicy", v.approvalPolicy());
    putIf(o, "sandbox", v.sandbox());
    o.put("pendingRequestCount", v.pendingRequestCount());
    if (!v.damaged().isEmpty()) {
      v.damaged().forEach(o.putArray("damaged")::add);
    }
    putIf(o, "description", v.description());
    SessionView.Sensitive s = v.sensitive();
    if (s != null) {
      putIf(o, "threadId", s.threadId());
      o.put("cwd", s.cwd() == null ? "" : s.cwd().toString());
      putIf(o, "profile", s.profile());
      if (s.config() != null) {
        o.set("config", s.config());
      }
    }
    if (v.usage() != null) {
      ObjectNode u = o.putObject("usage");
      u.put("turns", v.usage().turns());
      u.put("inputTokens", v.usage().inputTokens());
      u.put("cachedInputTokens", v.usage().cachedInputTokens());
      u.put("outputTokens", v.usage().outputTokens());
      u.put("reasoningOutputTokens", v.usage().reasoningOutputTokens());
    }
    if (v.worktree() != null) {
      ObjectNode w = o.putObject("worktree");
      w.put("path", v.worktree().path());
      w.put("branch", v.worktree().branch());
      w.put("base", v.worktree().base());
      putIf(w, "baseCommit", v.worktree().baseCommit());
    }
    return o;
  }

  /** {@code codex_session wait}. */
  public static ObjectNode waited(WaitResult r) {
    ObjectNode o = Json.object();
    ArrayNode arr = o.putArray("sessions");
    for (WaitResult.Entry e : r.sessions()) {
      ObjectNode v = view(e.view());
      String status = e.view().status().wireName();
      v.put("interactionState", ProgressTracker.interactionState(status).wireName());
      v.put(
          "recommendedNextAction",
          ProgressTracker.recommendedNextAction(status, e.pendingActionTypes()).wireName());
      v.put("pendingActionCount", e.view().pendingRequestCount());
      arr.add(v);
    }
    ArrayNode ready = o.putArray("ready");
    r.ready().forEach(ready::add);
    o.put("timedOut", r.timedOut());
    return o;
  }

  /** {@code codex_session list}. */
  public static ObjectNode list(List<SessionView> views) {
    ObjectNode o = Json.object();
    ArrayNode arr = o.putArray("sessions");
    views.forEach(v -> arr.add(view(v)));
    return o;
  }

  /** {@code codex_session fork}. */
  public static ObjectNode fork(ForkResult f) {
    ObjectNode o = Json.object();
    o.put("sessionId", f.sessionId());
    o.put("threadId", f.threadId());
    o.put("status", "idle");
    o.put("pollInterval", POLL_INTERVAL_RUNNING);
    return o;
  }

  /** {@code codex_session clean}. */
  public static ObjectNode clean(CleanResult c) {
    ObjectNode o = Json.object();
    ArrayNode m = o.putArray("matchedSessionIds");
    c.matchedSessionIds().forEach(m::add);
    ArrayNode removed = o.putArray("removedSessionIds");
    c.removedSessionIds().forEach(removed::add);
    o.put("removedCount", c.removedSessionIds().size());
    o.put("diskSessionsRemoved", c.diskSessionsRemoved());
    o.put("dryRun", c.dryRun());
    if (c.worktreesRemoved() != null) {
      ArrayNode gone = o.putArray("worktreesRemoved");
      c.worktreesRemoved().forEach(gone::add);
      ArrayNode kept = o.putArray("worktreesKept");
      c.worktreesKept().forEach(kept::add);
    }
    return o;
  }

  private static void putIf(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
