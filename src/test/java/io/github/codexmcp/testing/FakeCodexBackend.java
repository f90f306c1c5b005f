package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.codex.SteerInput;
import io.github.codexmcp.util.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link CodexBackend} double for session-layer tests (spec 70 §4 "mock client").
 *
 * <p>Every call is recorded in order ({@link #calls()}). Asynchronous operations answer with a
 * configurable result: by default {@code threadStart → {thread:{id:"thread_mock"}}}, {@code
 * turnStart → {turn:{id:"turn_mock"}}}, {@code turnSteer → {turnId:"turn_mock"}}, {@code
 * reviewStart → {turn:{id:"review_turn"}, reviewThreadId:"thread_mock"}}, {@code threadFork}/{@code
 * threadResume → {thread:{id: "thread_forked"}}} and {@code {}} for the rest. A result can be
 * replaced ({@link #answer}), made to fail ({@link #fail}, {@link #failOnce}) or held open for the
 * test to complete later ({@link #hold}). {@link #respond}/{@link #respondError} can be made to
 * throw ({@link #failRespond}). The {@code emit*} methods call the registered {@link
 * BackendListener} on the calling thread, like the single reader thread of a real backend; after
 * {@link #destroy()} exit and error reports are suppressed, as the {@link CodexBackend} contract
 * requires. Thread-safe enough for single-threaded tests; not meant for concurrent use.
 */
public final class FakeCodexBackend implements CodexBackend {
  /** Method names as recorded in {@link #calls()}. */
  public static final String START = "start";

  public static final String THREAD_START = "threadStart";
  public static final String THREAD_FORK = "threadFork";
  public static final String THREAD_RESUME = "threadResume";
  public static final String TURN_START = "turnStart";
  public static final String TURN_INTERRUPT = "turnInterrupt";
  public static final String TURN_STEER = "turnSteer";
  public static final String REVIEW_START = "reviewStart";
  public static final String CLEAN = "threadBackgroundTerminalsClean";
  public static final String RESPOND = "respond";
  public static final String RESPOND_ERROR = "respondError";
  public static final String DESTROY = "destroy";
  public static final String RESPOND_FAILED = "respondFailed";
  public static final String LATEST_TURN = "latestTurn";
  public static final String DETACH = "detach";

  /** One recorded call: {@code params} for requests, {@code id}/{@code result} for answers. */
  public record Call(
      String method, JsonNode params, JsonNode id, JsonNode result, Integer code, String message) {}

  /** One answer to a server request ({@code result} or {@code code}/{@code message}). */
  public record Answer(JsonNode id, JsonNode result, Integer code, String message) {
    public boolean isError() {
      return code != null;
    }
  }

  private final String sessionId;
  private final LaunchOptions options;
  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Deque<Supplier<CompletableFuture<JsonNode>>>> once = new HashMap<>();
  private final Map<String, Supplier<CompletableFuture<JsonNode>>> always = new HashMap<>();
  private final Map<String, List<CompletableFuture<JsonNode>>> held = new HashMap<>();
  private BackendListener listener;
  private BackendMode mode = BackendMode.APP_SERVER;
  private boolean supportsTurnOverrides = true;
  private Long childPid;
  private int respondFailures;
  private RuntimeException respondFailure;
  private CompletableFuture<Void> destroyResult;
  private CompletableFuture<Void> destroyed;

  public FakeCodexBackend() {
    this(null, null);
  }

  public FakeCodexBackend(String sessionId, LaunchOptions options) {
    this.sessionId = sessionId;
    this.options = options;
    always.put(START, () -> done(Json.object().put("userAgent", "fake-codex/0.0")));
    always.put(THREAD_START, () -> done(json("{\"thread\":{\"id\":\"thread_mock\"}}")));
    always.put(THREAD_FORK, () -> done(json("{\"thread\":{\"id\":\"thread_forked\"}}")));
    always.put(THREAD_RESUME, () -> done(json("{\"thread\":{\"id\":\"thread_forked\"}}")));
    always.put(TURN_START, () -> done(json("{\"turn\":{\"id\":\"turn_mock\"}}")));
    always.put(TURN_INTERRUPT, () -> done(Json.object()));
    always.put(TURN_STEER, () -> done(json("{\"turnId\":\"turn_mock\"}")));
    always.put(
        REVIEW_START,
        () -> done(json("{\"turn\":{\"id\":\"review_turn\"},\"reviewThreadId\":\"thread_mock\"}")));
    always.put(CLEAN, () -> done(Json.object()));
    always.put(LATEST_TURN, () -> done(json("{\"data\":[]}")));
  }

  /** Makes it pretend to be a listening app-server (see {@link #detachable}). */
  public FakeCodexBackend detachable(boolean value) {
    detachable = value;
    return this;
  }

  @Override
  public CompletableFuture<JsonNode> latestTurn(String threadId) {
    return call(LATEST_TURN, Json.object().put("threadId", threadId));
  }

  // ------------------------------------------------------------------ configuration

  /** The session id the factory created this backend for (null when built directly). */
  public String sessionId() {
    return sessionId;
  }

  /** The launch options the factory got (null when built directly). */
  public LaunchOptions options() {
    return options;
  }

  /** Every later call of {@code method} succeeds with {@code result}. */
  public FakeCodexBackend answer(String method, JsonNode result) {
    always.put(method, () -> done(result));
    return this;
  }

  /** Every later call of {@code method} succeeds with the JSON text {@code result}. */
  public FakeCodexBackend answer(String method, String resultJson) {
    return answer(method, json(resultJson));
  }

  /** The next call of {@code method} succeeds with {@code result}; later calls use the default. */
  public FakeCodexBackend answerOnce(String method, JsonNode result) {
    once.computeIfAbsent(method, k -> new ArrayDeque<>()).add(() -> done(result));
    return this;
  }

  /** Every later call of {@code method} fails with {@code error}. */
  public FakeCodexBackend fail(String method, Throwable error) {
    always.put(method, () -> CompletableFuture.failedFuture(error));
    return this;
  }

  /**
   * Every later call of {@code method} fails with a {@link RuntimeException} of {@code message}.
   */
  public FakeCodexBackend fail(String method, String message) {
    return fail(method, new RuntimeException(message));
  }

  /** The next call of {@code method} fails with {@code message}; later calls use the default. */
  public FakeCodexBackend failOnce(String method, String message) {
    RuntimeException e = new RuntimeException(message);
    once.computeIfAbsent(method, k -> new ArrayDeque<>())
        .add(() -> CompletableFuture.failedFuture(e));
    return this;
  }

  /** Later calls of {@code method} return futures the test completes ({@link #held}). */
  public FakeCodexBackend hold(String method) {
    always.put(
        method,
        () -> {
          CompletableFuture<JsonNode> f = new CompletableFuture<>();
          held.computeIfAbsent(method, k -> new ArrayList<>()).add(f);
          return f;
        });
    return this;
  }

  /** Futures handed out for {@code method} while it was held, in call order. */
  public List<CompletableFuture<JsonNode>> held(String method) {
    return held.getOrDefault(method, List.of());
  }

  /** The next {@code count} calls of respond/respondError throw {@code error}. */
  public FakeCodexBackend failRespond(int count, RuntimeException error) {
    this.respondFailures = count;
    this.respondFailure = error;
    return this;
  }

  /** {@link #destroy()} returns {@code result} (e.g. a failed or never-completed future). */
  public FakeCodexBackend destroyResult(CompletableFuture<Void> result) {
    this.destroyResult = result;
    return this;
  }

  public FakeCodexBackend mode(BackendMode mode) {
    this.mode = mode;
    return this;
  }

  public FakeCodexBackend supportsTurnOverrides(boolean value) {
    this.supportsTurnOverrides = value;
    return this;
  }

  public FakeCodexBackend childPid(Long pid) {
    this.childPid = pid;
    return this;
  }

  // ------------------------------------------------------------------ inspection

  /** All recorded calls in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Recorded calls of one method. */
  public List<Call> calls(String method) {
    List<Call> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.method().equals(method)) {
        out.add(c);
      }
    }
    return out;
  }

  public int count(String method) {
    return calls(method).size();
  }

  /** Params of the last call of {@code method}; fails when there was none. */
  public JsonNode lastParams(String method) {
    List<Call> c = calls(method);
    if (c.isEmpty()) {
      throw new AssertionError("no " + method + " call; calls: " + calls);
    }
    return c.get(c.size() - 1).params();
  }

  /** Answers sent to server requests (successful and error), in order. */
  public List<Answer> answers() {
    List<Answer> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.method().equals(RESPOND) || c.method().equals(RESPOND_ERROR)) {
        out.add(new Answer(c.id(), c.result(), c.code(), c.message()));
      }
    }
    return out;
  }

  /** The only answer sent for JSON-RPC id {@code id}; fails when there is not exactly one. */
  public Answer answerFor(Object id) {
    JsonNode idNode = Json.MAPPER.valueToTree(id);
    List<Answer> hits = new ArrayList<>();
    for (Answer a : answers()) {
      if (a.id().equals(idNode)) {
        hits.add(a);
      }
    }
    if (hits.size() != 1) {
      throw new AssertionError("expected one answer for id " + id + ", got " + hits);
    }
    return hits.get(0);
  }

  public BackendListener listener() {
    return listener;
  }

  // ------------------------------------------------------------------ emitting

  /** Delivers a notification to the listener. */
  public void emitNotification(String method, JsonNode params) {
    requireListener().onNotification(method, params);
  }

  /** Delivers a notification whose params are JSON text (single quotes allowed). */
  public void emitNotification(String method, String paramsJson) {
    emitNotification(method, json(paramsJson));
  }

  /** Delivers a server request with a numeric or string id. */
  public void emitRequest(Object id, String method, JsonNode params) {
    requireListener().onServerRequest(Json.MAPPER.valueToTree(id), method, params);
  }

  public void emitRequest(Object id, String method, String paramsJson) {
    emitRequest(id, method, json(paramsJson));
  }

  /** Reports a child exit, unless destroyed (the contract silences a destroyed backend). */
  public void emitExit(Integer code, String signal) {
    if (destroyed == null) {
      requireListener().onExit(code, signal);
    }
  }

  /** Reports a fatal backend error, unless destroyed. */
  public void emitError(Throwable error) {
    if (destroyed == null) {
      requireListener().onError(error);
    }
  }

  private BackendListener requireListener() {
    if (listener == null) {
      throw new AssertionError("no listener registered");
    }
    return listener;
  }

  // ------------------------------------------------------------------ CodexBackend

  @Override
  public void setListener(BackendListener listener) {
    this.listener = listener;
  }

  @Override
  public CompletableFuture<JsonNode> start() {
    return call(START, null);
  }

  @Override
  public CompletableFuture<JsonNode> threadStart(ObjectNode params) {
    return call(THREAD_START, params);
  }

  @Override
  public CompletableFuture<JsonNode> threadFork(ObjectNode params) {
    return call(THREAD_FORK, params);
  }

  @Override
  public CompletableFuture<JsonNode> threadResume(ObjectNode params) {
    return call(THREAD_RESUME, params);
  }

  @Override
  public CompletableFuture<JsonNode> threadBackgroundTerminalsClean(ObjectNode params) {
    return call(CLEAN, params);
  }

  @Override
  public CompletableFuture<JsonNode> turnStart(ObjectNode params) {
    return call(TURN_START, params);
  }

  @Override
  public CompletableFuture<JsonNode> turnInterrupt(ObjectNode params) {
    return call(TURN_INTERRUPT, params);
  }

  /** Records {@code turnSteer}; in exec mode fails as the exec backend does. */
  @Override
  public CompletableFuture<JsonNode> turnSteer(SteerInput input) {
    return mode == BackendMode.EXEC
        ? CodexBackend.super.turnSteer(input)
        : call(TURN_STEER, input.toParams());
  }

  /** Records {@code reviewStart} (params as sent); in exec mode fails as the exec backend does. */
  @Override
  public CompletableFuture<JsonNode> reviewStart(String threadId, ReviewTarget target) {
    return mode == BackendMode.EXEC
        ? CodexBackend.super.reviewStart(threadId, target)
        : call(REVIEW_START, target.toParams(threadId));
  }

  @Override
  public void respond(JsonNode id, JsonNode result) {
    maybeFailRespond(id, result, null, null);
    calls.add(new Call(RESPOND, null, id, result, null, null));
  }

  @Override
  public void respondError(JsonNode id, int code, String message) {
    maybeFailRespond(id, null, code, message);
    calls.add(new Call(RESPOND_ERROR, null, id, null, code, message));
  }

  /** A failed write is recorded as {@link #RESPOND_FAILED}, not as an answer. */
  private void maybeFailRespond(JsonNode id, JsonNode result, Integer code, String message) {
    if (respondFailures > 0) {
      respondFailures--;
      calls.add(new Call(RESPOND_FAILED, null, id, result, code, message));
      throw respondFailure;
    }
  }

  @Override
  public boolean supportsTurnOverrides() {
    return supportsTurnOverrides;
  }

  @Override
  public Long childPid() {
    return childPid;
  }

  @Override
  public BackendMode mode() {
    return mode;
  }

  @Override
  public CompletableFuture<Void> destroy() {
    calls.add(new Call(DESTROY, null, null, null, null, null));
    if (destroyed == null) {
      destroyed = destroyResult != null ? destroyResult : CompletableFuture.completedFuture(null);
    }
    return destroyed;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed != null;
  }

  /** Whether it pretends to be a listening app-server (its Codex outlives {@link #detach}). */
  public volatile boolean detachable;

  private volatile boolean detached;

  @Override
  public boolean detachable() {
    return detachable;
  }

  @Override
  public boolean detach() {
    calls.add(new Call(DETACH, null, null, null, null, null));
    if (!detachable) {
      return false;
    }
    detached = true;
    return true;
  }

  /** Whether {@link #detach} was called (the connection closed, Codex left running). */
  public boolean isDetached() {
    return detached;
  }

  private CompletableFuture<JsonNode> call(String method, ObjectNode params) {
    calls.add(new Call(method, params == null ? null : params.deepCopy(), null, null, null, null));
    if (destroyed != null) {
      return CompletableFuture.failedFuture(new RuntimeException("Client destroyed"));
    }
    if (detached) {
      return CompletableFuture.failedFuture(new RuntimeException("Detached"));
    }
    Deque<Supplier<CompletableFuture<JsonNode>>> q = once.get(method);
    if (q != null && !q.isEmpty()) {
      return q.poll().get();
    }
    return always.get(method).get();
  }

  private static CompletableFuture<JsonNode> done(JsonNode value) {
    return CompletableFuture.completedFuture(value);
  }

  /** Parses JSON text; single quotes are accepted for readability in tests. */
  public static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    String t = text.indexOf('"') < 0 ? text.replace('\'', '"') : text;
    return Json.parse(t);
  }
}
