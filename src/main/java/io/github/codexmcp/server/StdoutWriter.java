package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every line the server writes to stdout goes through here: one writer thread ({@code
 * stdio-outbound}) takes lines from a queue bounded by bytes and writes them in order, flushing
 * once the queue is empty.
 *
 * <p><b>When the client stops reading</b>, the writer blocks in {@code write} and the queue fills.
 * Responses and notifications are never dropped: {@link #send} waits until the queue has room (a
 * line larger than the whole bound is taken when the queue is empty). Progress notifications never
 * wait: one still queued for the same token is replaced by the newer one, and when the queue is
 * full a new one is dropped (the next one supersedes it). {@link #awaitRoom} lets a producer wait
 * for room <em>before</em> it builds a large answer, so that memory holds at most the queue and the
 * answers of the threads already past that point.
 *
 * <p><b>Threads and locks.</b> {@link #send} and {@link #awaitRoom} are called from any thread but
 * Codex's reader threads (which hand answers to the work pool, see {@link ToolAdapter}) and may
 * block; {@code lock} guards {@code queue}, {@code queuedBytes} and {@code started} and is never
 * held while writing. The writer thread writes under {@code out}'s monitor (the lock {@link
 * EarlyInitialize} writes its early answer under), so lines never interleave. {@code afterWrite}
 * runs on the writer thread.
 */
final class StdoutWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StdoutWriter.class);

  /** Default bound of the queue: lines written or waiting to be written, in bytes. */
  static final long DEFAULT_MAX_QUEUED_BYTES = 4L * 1024 * 1024;

  /** What a line carries: responses are never dropped, progress may be coalesced or dropped. */
  enum Kind {
    RESPONSE,
    NOTIFICATION,
    PROGRESS
  }

  /** A queued line: JSON bytes, or a message the writer thread serialises; its size in bytes. */
  private static final class Line {
    Object payload; // byte[] or McpSchema.JSONRPCMessage
    long size; // exact for bytes (with the newline), estimated for a message
    final Kind kind;
    final Object coalesceKey;

    Line(Object payload, long size, Kind kind, Object coalesceKey) {
      this.payload = payload;
      this.size = size;
      this.kind = kind;
      this.coalesceKey = coalesceKey;
    }
  }

  private final OutputStream out;
  private final Runnable afterWrite;
  private final BooleanSupplier closed;
  private final long maxQueuedBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Line> queue = new ArrayDeque<>();
  private long queuedBytes; // queued and being written
  private boolean started;
  private long dropped;

  /**
   * @param afterWrite runs after each batch of lines written (on the writer thread)
   * @param closed whether the transport was closed (write failures are then not logged)
   */
  StdoutWriter(OutputStream out, Runnable afterWrite, BooleanSupplier closed) {
    this(out, afterWrite, closed, DEFAULT_MAX_QUEUED_BYTES);
  }

  StdoutWriter(OutputStream out, Runnable afterWrite, BooleanSupplier closed, long maxQueuedBytes) {
    this.out = out;
    this.afterWrite = afterWrite;
    this.closed = closed;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  static Kind kindOf(McpSchema.JSONRPCMessage message) {
    if (message instanceof McpSchema.JSONRPCNotification n) {
      return McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(n.method())
          ? Kind.PROGRESS
          : Kind.NOTIFICATION;
    }
    return Kind.RESPONSE;
  }

  /** The progress token of a progress notification (what coalesces), else null. */
  static Object progressToken(McpSchema.JSONRPCMessage message) {
    if (message instanceof McpSchema.JSONRPCNotification n
        && n.params() instanceof McpSchema.ProgressNotification p) {
      return p.progressToken();
    }
    if (message instanceof McpSchema.JSONRPCNotification n
        && n.params() instanceof java.util.Map<?, ?> m) {
      return m.get("progressToken");
    }
    return null;
  }

  /** Queues {@code json} (one line of compact UTF-8 JSON, no newline); see the class comment. */
  void send(byte[] json, Kind kind) {
    send(json, kind, null);
  }

  /** As {@link #send(byte[], Kind)}; progress lines with an equal non-null key coalesce. */
  void send(byte[] json, Kind kind, Object coalesceKey) {
    enqueue(json, json.length + 1L, kind, coalesceKey);
  }

  /**
   * Queues {@code message}, serialised by the writer thread just before it is written: a large
   * answer is not copied into a byte array of its own while it waits. Progress notifications with
   * the same token coalesce.
   */
  void send(McpSchema.JSONRPCMessage message) {
    Kind kind = kindOf(message);
    enqueue(message, estimatedSize(message), kind, progressToken(message));
  }

  /** Roughly the bytes {@code message} serialises to: twice the text of a tool result. */
  static long estimatedSize(McpSchema.JSONRPCMessage message) {
    long size = 256;
    if (message instanceof McpSchema.JSONRPCResponse r
        && r.result() instanceof McpSchema.CallToolResult c
        && c.content() != null) {
      for (McpSchema.Content content : c.content()) {
        if (content instanceof McpSchema.TextContent t && t.text() != null) {
          size += 2L * t.text().length();
        }
      }
    }
    return size;
  }

  private void enqueue(Object payload, long size, Kind kind, Object coalesceKey) {
    lock.lock();
    try {
      startWriter();
      if (kind == Kind.PROGRESS) {
        if (coalesceKey != null) {
          for (Line queued : queue) {
            if (queued.kind == Kind.PROGRESS && coalesceKey.equals(queued.coalesceKey)) {
              queuedBytes += size - queued.size;
              queued.payload = payload;
              queued.size = size;
              return;
            }
          }
        }
        if (queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
          dropped++;
          return;
        }
      } else {
        boolean interrupted = false;
        while (queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
          try {
            changed.await();
          } catch (InterruptedException e) {
            interrupted = true; // a response is never lost: keep waiting, restore the flag after
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      queue.addLast(new Line(payload, size, kind, coalesceKey));
      queuedBytes += size;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the queue is below its bound: call before building a large answer. Returns whether
   * lines are still queued (a backlog: the client reads more slowly than the server writes).
   */
  boolean awaitRoom() throws InterruptedException {
    lock.lock();
    try {
      while (queuedBytes >= maxQueuedBytes) {
        changed.await();
      }
      return queuedBytes > 0;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} until everything queued has been written; true if it has. */
  boolean awaitDrained(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queuedBytes > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes queued or being written (tests, diagnostics). */
  long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Progress notifications dropped because the queue was full. */
  long droppedProgress() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Starts the writer thread on first use; holds {@code lock}. */
  private void startWriter() {
    if (!started) {
      started = true;
      Thread t = new Thread(this::writeLoop, "stdio-outbound");
      t.setDaemon(true);
      t.start();
    }
  }

  private void writeLoop() {
    List<Line> batch = new ArrayList<>();
    while (true) {
      lock.lock();
      try {
        while (queue.isEmpty()) {
          changed.awaitUninterruptibly();
        }
        batch.addAll(queue);
        queue.clear();
      } finally {
        lock.unlock();
      }
      try {
        for (Line line : batch) {
          write(line);
          release(line.size);
        }
        synchronized (out) {
          out.flush();
        }
        StartupTrace.firstResponse();
      } catch (IOException e) {
        if (!closed.getAsBoolean()) {
          LOG.warn("[codex-mcp] failed to write to stdout: {}", e.getMessage());
        }
        release(batchBytes(batch)); // lost with the pipe: free the room anyway
      }
      batch.clear();
      try {
        afterWrite.run();
      } catch (RuntimeException e) {
        LOG.warn("[codex-mcp] after-write task failed: {}", e.toString());
      }
    }
  }

  /**
   * Writes one line. A message is serialised first (Jackson's recycled buffers) and written only
   * once complete, so stdout never carries a cut-off line; a response that cannot be serialised is
   * answered with an internal error for its id instead (the client must not wait forever). Writer
   * thread.
   */
  private void write(Line line) throws IOException {
    byte[] bytes;
    if (line.payload instanceof byte[] b) {
      bytes = b;
    } else {
      bytes = serialise((McpSchema.JSONRPCMessage) line.payload);
    }
    line.payload = null;
    if (bytes == null) {
      return;
    }
    synchronized (out) {
      out.write(bytes, 0, bytes.length);
      out.write('\n');
    }
  }

  /** The message's JSON, or the error answer for its id, or null when there is nothing to send. */
  static byte[] serialise(McpSchema.JSONRPCMessage message) {
    try {
      return Json.COMPACT.writeValueAsBytes(message);
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("[codex-mcp] failed to serialise a message: {}", e.toString());
      if (message instanceof McpSchema.JSONRPCResponse r && r.id() != null) {
        ObjectNode error = Json.object().put("jsonrpc", McpSchema.JSONRPC_VERSION);
        error.set("id", Json.MAPPER.valueToTree(r.id()));
        error
            .putObject("error")
            .put("code", McpSchema.ErrorCodes.INTERNAL_ERROR)
            .put("message", "Internal error: the answer could not be serialised");
        return Json.bytes(error);
      }
      return null;
    }
  }

  /** Frees {@code size} bytes of the queue's room; wakes producers waiting for it. */
  private void release(long size) {
    lock.lock();
    try {
      queuedBytes -= size;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static long batchBytes(List<Line> batch) {
    long n = 0;
    for (Line l : batch) {
      n += l.payload == null ? 0 : l.size;
    }
    return n;
  }
}
