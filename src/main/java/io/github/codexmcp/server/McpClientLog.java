package io.github.codexmcp.server;

import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.client.LogLevel;
import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClientLog} over the MCP session: {@code notifications/message} at the level the client set
 * with {@code logging/setLevel} (the SDK keeps it; {@code info} until the client sets one).
 *
 * <p>Threads: {@link #log} is called from any thread, also under the caller's locks; it only offers
 * the message to a bounded queue (full → the message is dropped and counted) and never blocks. One
 * daemon thread ({@code codex-mcp-client-log}, started with the first message) takes messages in
 * order, waits until the client has sent {@code notifications/initialized} (messages logged earlier
 * are held, not lost), checks the client's level and writes the notification; that write may block
 * on stdout, which only delays later log messages. The transport is set once by {@link #attach} (a
 * future the sender waits on).
 */
public final class McpClientLog implements ClientLog {
  private static final Logger LOG = LoggerFactory.getLogger(McpClientLog.class);
  static final int CAPACITY = 256;

  private record Entry(LogLevel level, String logger, String message) {}

  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final CompletableFuture<StdioTransportProvider> transport = new CompletableFuture<>();

  /** Messages logged before the server exists are held until it is attached and initialized. */
  public McpClientLog() {}

  /** Connects the log to the server's transport (once, while the server is built). */
  void attach(StdioTransportProvider transport) {
    this.transport.complete(transport);
  }

  @Override
  public void log(LogLevel level, String logger, String message) {
    if (level == null || message == null) {
      return;
    }
    if (!queue.offer(new Entry(level, logger, message))) {
      dropped.incrementAndGet();
      return;
    }
    if (started.compareAndSet(false, true)) {
      Thread t = new Thread(this::sendLoop, "codex-mcp-client-log");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Messages dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  private void sendLoop() {
    while (true) {
      Entry e;
      try {
        e = queue.take();
      } catch (InterruptedException ie) {
        return;
      }
      try {
        send(e);
      } catch (RuntimeException ex) {
        LOG.debug("[codex-mcp] log notification failed: {}", ex.toString());
      }
    }
  }

  private void send(Entry e) {
    StdioTransportProvider t = transport.join();
    t.initialized().join();
    McpLoggableSession session = t.session();
    McpSchema.LoggingLevel level = McpSchema.LoggingLevel.valueOf(e.level().name());
    if (session == null || !session.isNotificationForLevelAllowed(level)) {
      return;
    }
    session
        .sendNotification(
            McpSchema.METHOD_NOTIFICATION_MESSAGE,
            new McpSchema.LoggingMessageNotification(level, e.logger(), e.message()))
        .block();
  }
}
