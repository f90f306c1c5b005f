package io.github.codexmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every line the server writes to stdout goes through here.
 *
 * <p>Threads: {@link #send} is called from any thread; writes are serialised by {@code out}'s
 * monitor (the lock {@link EarlyInitialize} also writes under) and block while the client does not
 * read.
 */
final class StdoutWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StdoutWriter.class);

  /** What a line carries: responses are never dropped, progress may be. */
  enum Kind {
    RESPONSE,
    NOTIFICATION,
    PROGRESS
  }

  private final OutputStream out;
  private final Runnable afterWrite;
  private final BooleanSupplier closed;

  /**
   * @param afterWrite runs after each line written (on the writing thread)
   * @param closed whether the transport was closed (write failures are then not logged)
   */
  StdoutWriter(OutputStream out, Runnable afterWrite, BooleanSupplier closed) {
    this.out = out;
    this.afterWrite = afterWrite;
    this.closed = closed;
  }

  static Kind kindOf(McpSchema.JSONRPCMessage message) {
    if (message instanceof McpSchema.JSONRPCNotification n) {
      return McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(n.method())
          ? Kind.PROGRESS
          : Kind.NOTIFICATION;
    }
    return Kind.RESPONSE;
  }

  /** Writes {@code json} (one line of compact UTF-8 JSON, no newline) and a newline. */
  void send(byte[] json, Kind kind) {
    synchronized (out) {
      try {
        out.write(json);
        out.write('\n');
        out.flush();
        StartupTrace.firstResponse();
      } catch (IOException e) {
        if (!closed.getAsBoolean()) {
          LOG.warn("[codex-mcp] failed to write to stdout: {}", e.getMessage());
        }
      }
    }
    afterWrite.run();
  }
}
