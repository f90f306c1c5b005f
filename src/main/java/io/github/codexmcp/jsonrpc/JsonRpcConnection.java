package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC 2.0 endpoint over a pair of byte streams carrying one JSON value per line. It knows
 * nothing about the peer's methods.
 *
 * <p><b>Outgoing calls</b> are kept in {@link PendingCalls} (ids from 1, a timeout each on the
 * injected {@link Timer}; a response and a timeout can never both complete one). Responses with
 * unknown ids are logged and ignored. The peer's own requests have an independent id space (their
 * ids may collide numerically with ours).
 *
 * <p><b>Writes.</b> Every frame is written and flushed under one lock ({@code writeLock}) on the
 * calling thread; nothing else is done under it. A write blocks while the peer does not read. A
 * write failure is thrown to the writer ({@link #notify}, {@link #respond}, {@link #respondError})
 * or fails the returned future ({@link #request}); it also fails every pending call (after the lock
 * is released, on the writer's thread) and makes later writes fail fast, because a broken pipe does
 * not heal. Outgoing frames carry {@code "jsonrpc":"2.0"} and always a {@code params} member
 * ({@code {}} when empty).
 *
 * <p><b>Reading and threads.</b> {@link #startReading} starts one named daemon thread that decodes
 * lines ({@link JsonLineReader}) and dispatches them in order: a JSON array is a batch whose
 * elements are handled one by one. The messages of one read are bracketed by {@link
 * Handler#onBatchStart} and {@link Handler#onBatchEnd}; the reads of a hot stream are spaced by
 * {@link ReadCoalescing}, so that one read takes several lines. {@link Handler} callbacks and the
 * completion of response futures run on that thread — their continuations must not block. Timeouts
 * complete futures on the timer thread; {@link #close} and {@link #failAllPending} complete them on
 * the caller's thread.
 *
 * <p><b>Closing.</b> {@link #close(Throwable)} fails every pending call with the given reason and
 * makes later requests fail with it; it is idempotent (the first reason wins). End of input is
 * reported to {@link Handler#onEndOfStream}; unless the handler takes over, the connection then
 * closes itself with a {@link JsonRpcException.Closed}.
 */
public final class JsonRpcConnection {
  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcConnection.class);

  /** Receives what the peer sends. All methods run on the reader thread, in arrival order. */
  public interface Handler {
    /** A notification from the peer; {@code params} is {@code {}} when absent. */
    void onNotification(String method, JsonNode params);

    /** A request from the peer; answer it through {@link #respond} or {@link #respondError}. */
    void onRequest(JsonNode id, String method, JsonNode params);

    /**
     * A line that starts like JSON ({@code {} or {@code [}) but does not parse. Reading continues
     * afterwards; the handler decides whether the connection is still trustworthy.
     */
    default void onParseError(String line, Exception cause) {}

    /**
     * The first write failure (a broken pipe does not heal: every later write fails too). Runs on
     * the thread that tried to write, after pending calls were failed.
     */
    default void onWriteFailure(JsonRpcException failure) {}

    /**
     * End of the input stream ({@code error} null) or a read failure. Return true when the owner
     * takes care of closing the connection (for example after learning why the peer went away);
     * return false to let the connection close itself right away.
     */
    default boolean onEndOfStream(IOException error) {
      return false;
    }

    /**
     * The messages up to the next {@link #onBatchEnd()} arrived together (one read): the handler
     * may hand them on as one. Always followed by {@link #onBatchEnd()} on the same thread.
     */
    default void onBatchStart() {}

    /** Ends the batch {@link #onBatchStart()} began; the reader may block after this. */
    default void onBatchEnd() {}
  }

  /** Sends one encoded message to the peer (a line, or a WebSocket text frame). */
  @FunctionalInterface
  public interface FrameWriter {
    void write(byte[] json) throws IOException;
  }

  private final String name;
  private final FrameWriter out;
  private final Timer timer;
  private final Handler handler;
  private final PendingCalls pending;
  private final Object writeLock = new Object();
  private volatile Throwable closeReason;
  private volatile JsonRpcException writeFailure;

  /**
   * @param name used in log lines and default messages (for example {@code app-server})
   * @param out the peer's input; written under a lock, flushed after each frame
   */
  public JsonRpcConnection(String name, OutputStream out, Timer timer, Handler handler) {
    this(
        name,
        frame -> {
          out.write(frame);
          out.write('\n');
          out.flush();
        },
        timer,
        handler);
  }

  /**
   * A connection over a message channel: {@code out} sends one whole message per call (under this
   * connection's write lock); the owner feeds incoming messages to {@link #receive} and reports
   * their end through {@link #endOfInput}, both from one reader thread.
   */
  public JsonRpcConnection(String name, FrameWriter out, Timer timer, Handler handler) {
    this.name = name;
    this.out = out;
    this.timer = timer;
    this.handler = handler;
    this.pending = new PendingCalls(timer);
  }

  /** Starts the reader thread; it closes {@code in} at end of stream. Call at most once. */
  public Thread startReading(InputStream in, String threadName) {
    return Threads.startDaemon(threadName, () -> readLoop(in));
  }

  /**
   * Sends a request and returns its result. Fails with {@link JsonRpcException.ResponseError},
   * {@link JsonRpcException.Timeout}, {@link JsonRpcException.WriteFailed}, or the close reason.
   */
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    Throwable refusal = refusal();
    if (refusal != null) {
      future.completeExceptionally(refusal);
      return future;
    }
    long id = pending.add(method, future, timeout);
    // A close racing with the insertion above must not leave this call behind.
    Throwable lateRefusal = closeReason;
    if (lateRefusal != null) {
      fail(id, lateRefusal);
      return future;
    }
    try {
      write(new JsonRpcMessage.Request(LongNode.valueOf(id), method, params));
    } catch (JsonRpcException e) {
      fail(id, e);
    }
    return future;
  }

  /** Sends a notification; throws {@link JsonRpcException} when it cannot be written. */
  public void notify(String method, JsonNode params) {
    throwIfRefused();
    write(new JsonRpcMessage.Notification(method, params));
  }

  /** Answers a peer request; throws {@link JsonRpcException} when it cannot be written. */
  public void respond(JsonNode id, JsonNode result) {
    throwIfRefused();
    write(new JsonRpcMessage.Response(id, result == null ? Json.object() : result));
  }

  /** Answers a peer request with an error; throws {@link JsonRpcException} when not written. */
  public void respondError(JsonNode id, int code, String message) {
    throwIfRefused();
    write(new JsonRpcMessage.ErrorResponse(id, new JsonRpcError(code, message, null)));
  }

  /** Fails every pending call with {@code reason} but keeps the connection usable. */
  public void failAllPending(Throwable reason) {
    pending.failAll(reason);
  }

  /**
   * Closes the connection: pending and later calls fail with {@code reason}, later writes throw.
   * Idempotent; the first reason is kept. Does not close the streams.
   */
  public void close(Throwable reason) {
    synchronized (this) {
      if (closeReason == null) {
        closeReason = reason;
      }
    }
    failAllPending(closeReason);
  }

  /** Whether {@link #close} has been called. */
  public boolean isClosed() {
    return closeReason != null;
  }

  /** Number of calls awaiting a response. */
  public int pendingCount() {
    return pending.size();
  }

  /** Handles one decoded value as if it had been read (reader thread; also used by tests). */
  public void dispatch(JsonNode value) {
    if (value.isArray()) {
      for (JsonNode element : value) {
        dispatchOne(element);
      }
    } else {
      dispatchOne(value);
    }
  }

  private void dispatchOne(JsonNode node) {
    Optional<JsonRpcMessage> classified = JsonRpcMessage.classify(node);
    if (classified.isEmpty()) {
      LOG.warn("[{}] ignoring a JSON value that is not a JSON-RPC message", name);
      return;
    }
    JsonRpcMessage message = classified.get();
    try {
      if (message instanceof JsonRpcMessage.Response) {
        JsonRpcMessage.Response r = (JsonRpcMessage.Response) message;
        complete(r.id(), r.result(), null);
      } else if (message instanceof JsonRpcMessage.ErrorResponse) {
        JsonRpcMessage.ErrorResponse e = (JsonRpcMessage.ErrorResponse) message;
        complete(e.id(), null, new JsonRpcException.ResponseError(e.error()));
      } else if (message instanceof JsonRpcMessage.Request) {
        JsonRpcMessage.Request r = (JsonRpcMessage.Request) message;
        handler.onRequest(r.id(), r.method(), r.params());
      } else if (message instanceof JsonRpcMessage.Notification) {
        JsonRpcMessage.Notification n = (JsonRpcMessage.Notification) message;
        handler.onNotification(n.method(), n.params());
      } else {
        throw new IllegalStateException("unexpected message " + message);
      }
    } catch (RuntimeException e) {
      // One bad handler call must not stop the reader: the peer would be left unread.
      LOG.warn("[{}] handler failed for an incoming message", name, e);
    }
  }

  private void complete(JsonNode idNode, JsonNode result, Throwable error) {
    if (!pending.complete(idNode, result, error)) {
      LOG.debug("[{}] ignoring response for unknown id {}", name, idNode);
    }
  }

  private void fail(long id, Throwable reason) {
    pending.fail(id, reason);
  }

  private void write(JsonRpcMessage message) {
    byte[] frame = Json.bytes(message.toJson());
    JsonRpcException failure;
    synchronized (writeLock) {
      JsonRpcException broken = writeFailure;
      if (broken != null) {
        throw broken;
      }
      try {
        out.write(frame);
        return;
      } catch (IOException | RuntimeException e) {
        failure =
            new JsonRpcException.WriteFailed("Failed to write to " + name + ": " + describe(e), e);
        writeFailure = failure;
      }
    }
    // after the lock: failing the calls runs their continuations, which must not hold it
    failAllPending(failure);
    try {
      handler.onWriteFailure(failure);
    } catch (RuntimeException handlerFailure) {
      LOG.warn("[{}] write-failure handler failed", name, handlerFailure);
    }
    throw failure;
  }

  /** Whether the calling thread holds the write lock (tests). */
  boolean holdsWriteLock() {
    return Thread.holdsLock(writeLock);
  }

  private Throwable refusal() {
    Throwable closed = closeReason;
    return closed != null ? closed : writeFailure;
  }

  private void throwIfRefused() {
    Throwable refusal = refusal();
    if (refusal instanceof RuntimeException) {
      throw (RuntimeException) refusal;
    }
    if (refusal != null) {
      throw new JsonRpcException.Closed(refusal.getMessage(), refusal);
    }
  }

  private void readLoop(InputStream in) {
    IOException failure = null;
    try (InputStream input = in) {
      new JsonLineReader(input, JsonLineReader.DEFAULT_MAX_LINE_BYTES, ReadCoalescing.system())
          .readAll(
              new JsonLineReader.Sink() {
                @Override
                public void onJson(JsonNode value) {
                  dispatch(value);
                }

                @Override
                public void onMalformed(String line, Exception cause) {
                  try {
                    handler.onParseError(line, cause);
                  } catch (RuntimeException e) {
                    LOG.warn("[{}] parse-error handler failed", name, e);
                  }
                }

                @Override
                public void onOversized(long length) {
                  LOG.warn("[{}] dropped an oversized line ({} chars)", name, length);
                }

                @Override
                public void onBatchStart() {
                  batchStart();
                }

                @Override
                public void onBatchEnd() {
                  batchEnd();
                }
              });
    } catch (IOException e) {
      failure = e;
    }
    endOfInput(failure);
  }

  /** Messages received until {@link #batchEnd()} arrived together. Reader thread only. */
  public void batchStart() {
    try {
      handler.onBatchStart();
    } catch (RuntimeException e) {
      LOG.warn("[{}] batch-start handler failed", name, e);
    }
  }

  /** Ends {@link #batchStart()}; call it before the reader may block. Reader thread only. */
  public void batchEnd() {
    try {
      handler.onBatchEnd();
    } catch (RuntimeException e) {
      LOG.warn("[{}] batch-end handler failed", name, e);
    }
  }

  /**
   * One whole incoming message (UTF-8 JSON) from a message channel; a value that does not parse
   * goes to {@link Handler#onParseError}. Reader thread only.
   */
  public void receive(byte[] json) {
    JsonNode value;
    try {
      value = Json.MAPPER.readTree(json);
    } catch (IOException | RuntimeException e) {
      try {
        handler.onParseError(new String(json, StandardCharsets.UTF_8), e);
      } catch (RuntimeException handlerFailure) {
        LOG.warn("[{}] parse-error handler failed", name, handlerFailure);
      }
      return;
    }
    if (value != null) {
      dispatch(value);
    }
  }

  /**
   * The peer's input ended ({@code failure} null) or failed: asks the handler, then closes unless
   * the handler takes over. Reader thread only, once.
   */
  public void endOfInput(IOException failure) {
    boolean ownerCloses = false;
    try {
      ownerCloses = handler.onEndOfStream(failure);
    } catch (RuntimeException e) {
      LOG.warn("[{}] end-of-stream handler failed", name, e);
    }
    if (!ownerCloses) {
      close(
          failure == null
              ? new JsonRpcException.Closed(name + " closed the connection")
              : new JsonRpcException.Closed(
                  "Failed to read from " + name + ": " + describe(failure), failure));
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
  }
}
