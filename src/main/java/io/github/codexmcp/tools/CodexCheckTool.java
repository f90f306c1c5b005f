package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.events.PollOptions;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.ResponseMode;
import io.github.codexmcp.session.SessionPolling;
import io.github.codexmcp.util.CodexMcpException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code codex_check}: poll events (optionally long-polling) and answer approvals or questions. */
public final class CodexCheckTool implements ToolHandler {
  private final SessionPolling polling;

  public CodexCheckTool(SessionPolling polling) {
    this.polling = polling;
  }

  @Override
  public String name() {
    return "codex_check";
  }

  /** Schema-level cross-field rules (reported as input-validation errors). */
  @Override
  public List<String> validate(ObjectNode a) {
    List<String> issues = new ArrayList<>();
    String action = Args.str(a, "action");
    String permOnly = " is only allowed for action='respond_permission'.";
    if ("poll".equals(action)) {
      if (Args.present(a, "requestId")) {
        issues.add("requestId: requestId is only allowed for respond_* actions.");
      }
      for (String f :
          List.of("decision", "execpolicy_amendment", "network_policy_amendment", "denyMessage")) {
        if (Args.present(a, f)) {
          issues.add(f + ": " + f + permOnly);
        }
      }
      if (Args.present(a, "answers")) {
        issues.add("answers: answers is only allowed for action='respond_user_input'.");
      }
    } else if ("respond_permission".equals(action)) {
      String rid = Args.str(a, "requestId");
      if (rid == null || rid.isEmpty()) {
        issues.add("requestId: requestId is required for action='respond_permission'.");
      }
      String d = Args.str(a, "decision");
      if (d == null) {
        issues.add("decision: decision is required for action='respond_permission'.");
      }
      if (Args.present(a, "answers")) {
        issues.add("answers: answers is only allowed for action='respond_user_input'.");
      }
      for (ApprovalDecision.Problem p :
          ApprovalDecision.problems(
              d,
              Args.strings(a, "execpolicy_amendment"),
              Args.present(a, "execpolicy_amendment"),
              Args.present(a, "network_policy_amendment"))) {
        issues.add(p.inputIssue());
      }
    } else if ("respond_user_input".equals(action)) {
      String rid = Args.str(a, "requestId");
      if (rid == null || rid.isEmpty()) {
        issues.add("requestId: requestId is required for action='respond_user_input'.");
      }
      if (!Args.present(a, "answers")) {
        issues.add("answers: answers is required for action='respond_user_input'.");
      }
      for (String f :
          List.of("decision", "execpolicy_amendment", "network_policy_amendment", "denyMessage")) {
        if (Args.present(a, f)) {
          issues.add(f + ": " + f + permOnly);
        }
      }
    }
    return issues;
  }

  /**
   * A {@code poll} of at most {@value #QUICK_POLL_EVENTS} events (the default is 1) reads the event
   * buffer and renders a small answer; a long poll waits without holding a thread.
   */
  @Override
  public boolean isQuickRead(ObjectNode args) {
    JsonNode max = args.get("maxEvents");
    return "poll".equals(Args.str(args, "action"))
        && (max == null || max.isNull() || max.isNumber() && max.longValue() <= QUICK_POLL_EVENTS);
  }

  static final int QUICK_POLL_EVENTS = 100;

  @Override
  public CompletableFuture<ToolOutcome> call(ObjectNode a, RequestContext context) {
    String action = Args.str(a, "action");
    String sessionId = Args.str(a, "sessionId");
    ResponseMode mode =
        ResponseMode.fromWireName(
            a.hasNonNull("responseMode") ? a.get("responseMode").asText() : "minimal");
    PollOptions options = options(Args.obj(a, "pollOptions"));
    Long cursor = Args.lng(a, "cursor");
    Long maxEvents = Args.lng(a, "maxEvents");
    try {
      switch (action == null ? "" : action) {
        case "poll":
          {
            if (anyPresent(
                a,
                "requestId",
                "decision",
                "execpolicy_amendment",
                "network_policy_amendment",
                "denyMessage",
                "answers")) {
              return done(
                  ToolOutcome.returned(
                      "Error [INVALID_ARGUMENT]: requestId/decision/execpolicy_amendment/network_policy_amendment/denyMessage/answers are only valid for respond_* actions"));
            }
            int max =
                maxEvents == null ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxEvents));
            PollRequest req = new PollRequest(cursor, max, mode, options);
            Long waitMs = waitMs(Args.obj(a, "pollOptions"));
            if (waitMs != null && waitMs > 0) {
              return polling
                  .longPoll(
                      sessionId,
                      req,
                      WaitBudget.effective(waitMs, context),
                      context.cancelled(),
                      WaitProgress.of(context))
                  // rendered on the call pool, not on the thread that woke the wait
                  .thenApply(page -> ToolOutcome.deferred(() -> PollJson.render(page)))
                  .exceptionally(ToolOutcome::thrown);
            }
            return done(ToolOutcome.success(PollJson.render(polling.poll(sessionId, req))));
          }
        case "respond_permission":
          return done(
              respondPermission(a, sessionId, respondRequest(cursor, maxEvents, mode, options)));
        case "respond_user_input":
          return done(
              respondUserInput(a, sessionId, respondRequest(cursor, maxEvents, mode, options)));
        default:
          return done(
              ToolOutcome.returned("Error [INVALID_ARGUMENT]: Unknown action '" + action + "'"));
      }
    } catch (RuntimeException e) {
      return done(ToolOutcome.thrown(e));
    }
  }

  private ToolOutcome respondPermission(ObjectNode a, String sessionId, PollRequest req) {
    String requestId = Args.str(a, "requestId");
    String decision = Args.str(a, "decision");
    if (requestId == null || requestId.isEmpty() || decision == null || decision.isEmpty()) {
      return ToolOutcome.returned(
          "Error [INVALID_ARGUMENT]: requestId and decision required for respond_permission");
    }
    if (Args.present(a, "answers")) {
      return ToolOutcome.returned(
          "Error [INVALID_ARGUMENT]: answers is only valid for respond_user_input");
    }
    ApprovalDecision parsed;
    try {
      parsed =
          ApprovalDecision.parse(
              decision,
              Args.present(a, "execpolicy_amendment")
                  ? Args.strings(a, "execpolicy_amendment")
                  : null,
              a.get("network_policy_amendment"),
              Args.str(a, "denyMessage"));
      return ToolOutcome.success(
          PollJson.render(polling.respondPermission(sessionId, requestId, parsed, req)));
    } catch (CodexMcpException e) {
      return ToolOutcome.returned(e.getMessage());
    }
  }

  private ToolOutcome respondUserInput(ObjectNode a, String sessionId, PollRequest req) {
    String requestId = Args.str(a, "requestId");
    ObjectNode answers = Args.obj(a, "answers");
    if (requestId == null || requestId.isEmpty() || answers == null) {
      return ToolOutcome.returned(
          "Error [INVALID_ARGUMENT]: requestId and answers required for respond_user_input");
    }
    if (anyPresent(
        a, "decision", "execpolicy_amendment", "network_policy_amendment", "denyMessage")) {
      return ToolOutcome.returned(
          "Error [INVALID_ARGUMENT]: decision/execpolicy_amendment/network_policy_amendment/denyMessage are only valid for respond_permission");
    }
    try {
      return ToolOutcome.success(
          PollJson.render(polling.respondUserInput(sessionId, requestId, answers, req)));
    } catch (CodexMcpException e) {
      return ToolOutcome.returned(e.getMessage());
    }
  }

  private static PollRequest respondRequest(
      Long cursor, Long maxEvents, ResponseMode mode, PollOptions options) {
    int max = maxEvents == null ? 0 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, maxEvents));
    return new PollRequest(cursor, max, mode, options);
  }

  static PollOptions options(ObjectNode o) {
    if (o == null) {
      return PollOptions.DEFAULTS;
    }
    return new PollOptions(
        Args.bool(o, "includeEvents"),
        Args.bool(o, "includeActions"),
        Args.bool(o, "includeResult"),
        Args.bool(o, "skipDeltas"),
        Args.bool(o, "finalOnly"),
        Args.lng(o, "maxBytes"));
  }

  private static Long waitMs(ObjectNode o) {
    return o == null ? null : Args.lng(o, "waitMs");
  }

  private static boolean anyPresent(ObjectNode a, String... fields) {
    for (String f : fields) {
      if (a.has(f) && !a.get(f).isMissingNode()) {
        if (!a.get(f).isNull()) {
          return true;
        }
      }
    }
    return false;
  }

  private static CompletableFuture<ToolOutcome> done(ToolOutcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
