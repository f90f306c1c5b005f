package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-session progress state and the orchestration hints derived from it (spec 30 §8).
 *
 * <p>Not thread-safe: the session calls it under its own lock. Statuses are the session status wire
 * names ({@code running}, {@code waiting_approval}, {@code idle}, {@code error}, {@code
 * cancelled}).
 */
public final class ProgressTracker {
  /** Status wire names used by the helpers. */
  public static final String RUNNING = "running";

  public static final String WAITING_APPROVAL = "waiting_approval";
  public static final String IDLE = "idle";
  public static final String ERROR = "error";
  public static final String CANCELLED = "cancelled";

  static final String TOKEN_USAGE_METHOD = "thread/tokenUsage/updated";

  private static final Set<String> REASONING_METHODS =
      Set.of(
          "item/reasoning/textDelta",
          "item/reasoning/summaryTextDelta",
          "item/reasoning/summaryPartAdded",
          "item/plan/delta");

  private static final Set<String> ACTING_METHODS =
      Set.of(
          "item/commandExecution/outputDelta",
          "item/commandExecution/terminalInteraction",
          "item/fileChange/outputDelta",
          "item/mcpToolCall/progress",
          "turn/diff/updated",
          "turn/plan/updated");

  private static final List<String> INPUT_KEYS =
      List.of("inputTokens", "input_tokens", "promptTokens", "prompt_tokens");
  private static final List<String> OUTPUT_KEYS =
      List.of("outputTokens", "output_tokens", "completionTokens", "completion_tokens");
  private static final List<String> TOTAL_KEYS =
      List.of("totalTokens", "total_tokens", "tokenCount", "token_count", "total");

  private final Clock clock;
  private String lastEventAt;
  private String lastMethod;
  private JsonNode inputTokens;
  private JsonNode outputTokens;
  private JsonNode totalTokens;

  /**
   * @param clock source of {@code lastEventAt} updates
   * @param createdAt initial {@code lastEventAt} (the session's creation time)
   */
  public ProgressTracker(Clock clock, String createdAt) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastEventAt = createdAt;
  }

  /**
   * Records one notification or server request: {@code lastEventAt} becomes now, {@code lastMethod}
   * becomes {@code method} (except for {@code thread/tokenUsage/updated}), and token counters found
   * in {@code params} overwrite the stored ones. Call it also for methods that produce no event.
   */
  public void observe(String method, JsonNode params) {
    lastEventAt = Timestamps.now(clock);
    if (method != null && !TOKEN_USAGE_METHOD.equals(method)) {
      lastMethod = method;
    }
    mergeTokens(tokenSource(params));
  }

  /**
   * Records a streamed reply fragment ({@code item/agentMessage/delta}, thousands per answer): as
   * {@link #observe}, without the look for token counters, which a fragment never carries (its
   * params are the thread, turn and item ids and the text).
   */
  public void observeFragment() {
    lastEventAt = Timestamps.now(clock);
    lastMethod = NotificationMapper.AGENT_MESSAGE_DELTA;
  }

  /**
   * Overwrites the token counters present in {@code usage} (read directly, no source lookup): for
   * {@code turn.usage} at exec turn completion, or {@code result.turn} counters on recovery.
   */
  public void mergeTokens(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    // one pass over the (usually few) fields instead of 13 key lookups per
    // notification: per counter, the first listed key that holds a number
    JsonNode[] best = new JsonNode[3];
    int[] rank = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    for (Map.Entry<String, JsonNode> e : usage.properties()) {
      Integer code = TOKEN_KEY_CODES.get(e.getKey());
      if (code == null || !isFiniteNumber(e.getValue())) {
        continue;
      }
      int counter = code / 10;
      int position = code % 10;
      if (position < rank[counter]) {
        rank[counter] = position;
        best[counter] = e.getValue();
      }
    }
    JsonNode in = best[0];
    JsonNode out = best[1];
    JsonNode total = best[2];
    if (in != null) {
      inputTokens = in;
    }
    if (out != null) {
      outputTokens = out;
    }
    if (total != null) {
      totalTokens = total;
    }
  }

  /** Time of the last observation (initially the creation time). */
  public String lastEventAt() {
    return lastEventAt;
  }

  /** Method of the last observation, or null. */
  public String lastMethod() {
    return lastMethod;
  }

  /** {@code {input?, output?, total?}}, or null when no counter was ever seen. */
  public ObjectNode tokens() {
    if (inputTokens == null && outputTokens == null && totalTokens == null) {
      return null;
    }
    ObjectNode t = Json.object();
    if (inputTokens != null) {
      t.set("input", inputTokens);
    }
    if (outputTokens != null) {
      t.set("output", outputTokens);
    }
    if (totalTokens != null) {
      t.set("total", totalTokens);
    }
    return t;
  }

  /**
   * The {@code progress} object {@code {phase, lastEventAt, activeTurnId?, pendingActionCount,
   * lastMethod?, tokens?}} (spec 30 §8.1); a new node on every call.
   *
   * @param status session status wire name
   * @param activeTurnId the session's active turn, or null
   * @param pendingActionCount number of unresolved pending requests
   */
  public ObjectNode snapshot(String status, String activeTurnId, int pendingActionCount) {
    ObjectNode p = Json.object();
    p.put("phase", phase(status, activeTurnId, lastMethod));
    if (lastEventAt != null) {
      p.put("lastEventAt", lastEventAt);
    }
    if (activeTurnId != null) {
      p.put("activeTurnId", activeTurnId);
    }
    p.put("pendingActionCount", pendingActionCount);
    if (lastMethod != null) {
      p.put("lastMethod", lastMethod);
    }
    ObjectNode tokens = tokens();
    if (tokens != null) {
      p.set("tokens", tokens);
    }
    return p;
  }

  /**
   * {@code progress.phase}: the status for waiting/terminal sessions ({@code idle} → {@code
   * finished}); for running sessions {@code starting} without a turn, else {@code reasoning} /
   * {@code acting} by the last method, else {@code running}.
   */
  public static String phase(String status, String activeTurnId, String lastMethod) {
    if (WAITING_APPROVAL.equals(status)) {
      return "waiting_approval";
    }
    if (CANCELLED.equals(status)) {
      return "cancelled";
    }
    if (ERROR.equals(status)) {
      return "error";
    }
    if (IDLE.equals(status)) {
      return "finished";
    }
    if (activeTurnId == null) {
      return "starting";
    }
    if (lastMethod != null && REASONING_METHODS.contains(lastMethod)) {
      return "reasoning";
    }
    if (lastMethod != null && ACTING_METHODS.contains(lastMethod)) {
      return "acting";
    }
    return "running";
  }

  /**
   * Coerces a progress object for {@code codex}/{@code codex_reply} responses (spec 30 §8.2): a
   * copy with the phase forced for waiting/terminal statuses, {@code lastEventAt} replaced by
   * {@code completedAt} when given, and {@code pendingActionCount} reconciled.
   *
   * @param completedAt nullable
   * @param pendingActionCount nullable; only used for {@code waiting_approval}
   */
  public static ObjectNode coerce(
      String status, ObjectNode progress, String completedAt, Integer pendingActionCount) {
    ObjectNode out = Json.object();
    if (progress != null) {
      out.setAll(progress);
    }
    String forced = forcedPhase(status);
    if (forced != null) {
      out.put("phase", forced);
    }
    if (completedAt != null) {
      out.put("lastEventAt", completedAt);
    }
    int current = out.path("pendingActionCount").asInt(0);
    if (WAITING_APPROVAL.equals(status)) {
      out.put(
          "pendingActionCount",
          Math.max(current, pendingActionCount == null ? 0 : pendingActionCount));
    } else if (isTerminal(status)) {
      out.put("pendingActionCount", 0);
    } else {
      out.put("pendingActionCount", current);
    }
    return out;
  }

  private static String forcedPhase(String status) {
    if (IDLE.equals(status)) {
      return "finished";
    }
    if (ERROR.equals(status) || CANCELLED.equals(status) || WAITING_APPROVAL.equals(status)) {
      return status;
    }
    return null;
  }

  /** {@code idle}, {@code error} or {@code cancelled}. */
  public static boolean isTerminal(String status) {
    return IDLE.equals(status) || ERROR.equals(status) || CANCELLED.equals(status);
  }

  /**
   * {@code interactionState}: {@code waiting_input}, {@code finished} or {@code working} (spec 30
   * §8.3).
   */
  public static InteractionState interactionState(String status) {
    if (WAITING_APPROVAL.equals(status)) {
      return InteractionState.WAITING_INPUT;
    }
    return isTerminal(status) ? InteractionState.FINISHED : InteractionState.WORKING;
  }

  /**
   * {@code recommendedNextAction} (spec 30 §8.3).
   *
   * @param pendingKinds kinds of the unresolved pending requests ({@code command}, {@code
   *     fileChange}, {@code user_input}); only consulted for {@code waiting_approval}
   */
  public static NextAction recommendedNextAction(String status, Collection<String> pendingKinds) {
    if (WAITING_APPROVAL.equals(status)) {
      boolean userInput = false;
      boolean approval = false;
      for (String kind : pendingKinds) {
        if ("user_input".equals(kind)) {
          userInput = true;
        } else {
          approval = true;
        }
      }
      return userInput
          ? NextAction.RESPOND_USER_INPUT
          : approval ? NextAction.RESPOND_PERMISSION : NextAction.POLL;
    }
    return isTerminal(status) ? NextAction.NONE : NextAction.POLL;
  }

  /** {@code pollInterval} in ms: 120000 running, 1000 waiting_approval, else null (omitted). */
  public static Long pollInterval(String status) {
    if (RUNNING.equals(status)) {
      return 120_000L;
    }
    if (WAITING_APPROVAL.equals(status)) {
      return 1_000L;
    }
    return null;
  }

  /** The first object among the known token-usage locations, else params itself. */
  static JsonNode tokenSource(JsonNode params) {
    if (params == null || !params.isObject()) {
      return null;
    }
    if (!params.has("tokenUsage") && !params.has("info") && !params.has("usage")) {
      return params; // none of the nested locations exists (every streamed delta)
    }
    JsonNode[] candidates = {
      params.path("tokenUsage").get("total"),
      params.path("tokenUsage").get("last"),
      params.path("info").get("total_token_usage"),
      params.path("info").get("last_token_usage"),
      params.get("usage"),
    };
    for (JsonNode c : candidates) {
      if (c != null && c.isObject()) {
        return c;
      }
    }
    return params;
  }

  private static boolean isFiniteNumber(JsonNode v) {
    return v != null && v.isNumber() && Double.isFinite(v.doubleValue());
  }

  /** Counter (0 input, 1 output, 2 total) × 10 + position of the key in its list. */
  private static final Map<String, Integer> TOKEN_KEY_CODES = tokenKeyCodes();

  private static Map<String, Integer> tokenKeyCodes() {
    Map<String, Integer> m = new HashMap<>();
    List<List<String>> lists = List.of(INPUT_KEYS, OUTPUT_KEYS, TOTAL_KEYS);
    for (int c = 0; c < lists.size(); c++) {
      for (int i = 0; i < lists.get(c).size(); i++) {
        m.put(lists.get(c).get(i), c * 10 + i);
      }
    }
    return Map.copyOf(m);
  }
}
