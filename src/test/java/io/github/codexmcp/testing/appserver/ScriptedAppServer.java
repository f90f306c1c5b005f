package io.github.codexmcp.testing.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory Codex app-server peer on a {@link FakeChildProcess}. It reads the client's lines on
 * its own thread, records every message, and answers requests with scripted handlers. Defaults
 * answer {@code initialize}, {@code thread/start}, {@code thread/fork}, {@code thread/resume},
 * {@code turn/start}, {@code turn/interrupt} and {@code thread/backgroundTerminals/clean} like
 * codex 0.169 does (without {@code "jsonrpc"}). When the client closes stdin the peer exits with
 * code 0, as codex does.
 */
public final class ScriptedAppServer {
  /** Handles one client request; answer through the peer (or not at all, to hold it). */
  @FunctionalInterface
  public interface Handler {
    void handle(JsonNode id, JsonNode params, ScriptedAppServer peer);
  }

  private final FakeChildProcess child;
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final List<JsonNode> received = new ArrayList<>();
  private final AtomicInteger threads = new AtomicInteger();
  private final Object writeLock = new Object();
  private volatile boolean exitOnStdinEof = true;

  public ScriptedAppServer(FakeChildProcess child) {
    this.child = child;
    handle(
        "initialize",
        (id, p, peer) -> {
          ObjectNode r = Json.object();
          r.put("userAgent", "codex-mcp/0.169.0 (Fake; x86_64) (codex-mcp; 2.1.7)");
          r.put("codexHome", "/home/u/.codex");
          r.put("platformFamily", "unix");
          r.put("platformOs", "linux");
          peer.reply(id, r);
        });
    handle(
        "thread/start",
        (id, p, peer) -> peer.reply(id, thread("thr_" + threads.incrementAndGet())));
    handle(
        "thread/fork",
        (id, p, peer) -> peer.reply(id, thread("thr_fork_" + threads.incrementAndGet())));
    handle("thread/resume", (id, p, peer) -> peer.reply(id, thread(p.path("threadId").asText())));
    handle(
        "turn/start",
        (id, p, peer) -> {
          ObjectNode r = Json.object();
          r.putObject("turn").put("id", "turn_1").put("status", "inProgress");
          peer.reply(id, r);
        });
    handle("turn/interrupt", (id, p, peer) -> peer.reply(id, Json.object()));
    handle("thread/backgroundTerminals/clean", (id, p, peer) -> peer.reply(id, Json.object()));
    Thread t = new Thread(this::readLoop, "scripted-app-server-" + child.pid());
    t.setDaemon(true);
    t.start();
  }

  /** Replaces the handler of {@code method}. */
  public ScriptedAppServer handle(String method, Handler handler) {
    handlers.put(method, handler);
    return this;
  }

  /** Leaves requests of {@code method} unanswered. */
  public ScriptedAppServer hold(String method) {
    return handle(method, (id, p, peer) -> {});
  }

  /** Whether closing stdin ends the process (default true). */
  public ScriptedAppServer exitOnStdinEof(boolean exit) {
    exitOnStdinEof = exit;
    return this;
  }

  public void reply(JsonNode id, JsonNode result) {
    ObjectNode n = Json.object();
    n.set("id", id);
    n.set("result", result);
    sendJson(n);
  }

  public void replyError(JsonNode id, int code, String message) {
    ObjectNode n = Json.object();
    n.set("id", id);
    n.putObject("error").put("code", code).put("message", message);
    sendJson(n);
  }

  /** Sends a notification the way codex does: no {@code jsonrpc}, {@code emittedAtMs} beside. */
  public void notifyClient(String method, JsonNode params) {
    ObjectNode n = Json.object();
    n.put("method", method);
    n.set("params", params);
    n.put("emittedAtMs", 1_795_235_252_000L);
    sendJson(n);
  }

  /** Sends a server-initiated request. */
  public void requestClient(JsonNode id, String method, JsonNode params) {
    ObjectNode n = Json.object();
    n.set("id", id);
    n.put("method", method);
    n.set("params", params);
    sendJson(n);
  }

  public void sendJson(JsonNode node) {
    sendLine(Json.write(node));
  }

  /** Writes {@code line} plus a newline to the child's stdout. */
  public void sendLine(String line) {
    sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes raw bytes to the child's stdout as one chunk. */
  public void sendBytes(byte[] bytes) {
    synchronized (writeLock) {
      try {
        child.peerOutput().write(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Writes a line to the child's stderr. */
  public void stderr(String line) {
    try {
      child.peerError().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every message received so far. */
  public synchronized List<JsonNode> received() {
    return List.copyOf(received);
  }

  /** Waits for a received message matching {@code match}. */
  public JsonNode await(Predicate<JsonNode> match, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        for (JsonNode n : received) {
          if (match.test(n)) {
            return n;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("no matching message in " + received);
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted");
        }
      }
    }
  }

  /** Waits for the client's request of {@code method}. */
  public JsonNode awaitRequest(String method) throws TimeoutException {
    return await(n -> method.equals(n.path("method").asText()), Duration.ofSeconds(5));
  }

  /** Waits for the client's answer to the server request {@code id}. */
  public JsonNode awaitAnswer(JsonNode id) throws TimeoutException {
    return await(
        n -> id.equals(n.get("id")) && !n.has("method") && (n.has("result") || n.has("error")),
        Duration.ofSeconds(5));
  }

  private void readLoop() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.peerInput(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = Json.parse(line);
        synchronized (this) {
          received.add(n);
          notifyAll();
        }
        JsonNode method = n.get("method");
        JsonNode id = n.get("id");
        if (method != null && id != null) {
          Handler h = handlers.get(method.asText());
          if (h == null) {
            replyError(id, -32600, "Invalid request: unknown variant `" + method.asText() + "`");
          } else {
            h.handle(id, n.path("params"), this);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // The client went away.
    }
    if (exitOnStdinEof && child.isAlive()) {
      child.exit(0);
    }
  }

  private static ObjectNode thread(String id) {
    ObjectNode r = Json.object();
    r.putObject("thread").put("id", id).put("status", "idle");
    r.put("model", "mock-model");
    r.put("approvalPolicy", "never");
    return r;
  }
}
