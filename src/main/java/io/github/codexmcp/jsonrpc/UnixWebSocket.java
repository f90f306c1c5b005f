package io.github.codexmcp.jsonrpc;

import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A WebSocket client connection over a unix-domain socket: the transport of {@code codex app-server
 * --listen unix://PATH}, which speaks HTTP/1.1 Upgrade on {@code GET /} and then one JSON-RPC
 * message per text frame.
 *
 * <p>A small codec of its own ({@link WebSocketFrames}) because the Java WebSocket clients at hand
 * (the JDK's, and the common libraries) only run over TCP sockets, and a unix-domain {@link
 * SocketChannel} has no {@link java.net.Socket} view. It covers what the peer uses: masked client
 * text frames, fragmented messages, ping answered by pong, close answered by close.
 *
 * <p><b>Threads.</b> {@link #connect} blocks the caller for the connect and the handshake (bounded
 * by its timeout, enforced on the injected {@link Timer} by closing the channel). {@link
 * #startReading} starts one daemon reader thread that calls the {@link Listener} in arrival order.
 * {@link #sendText} may be called from any thread; writes are serialized by {@code writeLock} (held
 * only while bytes go to the socket; a full socket buffer blocks the writer). The channel's own
 * read and write paths are independent, and the reader never waits for a writer: it answers a ping
 * by leaving the pong in {@code pendingPong} and writing it only if the lock is free; otherwise the
 * writer that holds the lock writes it right after its own message (each writer looks for a pending
 * pong after releasing the lock, so none is left behind). {@link #close} is idempotent and may be
 * called from any thread; it writes a close frame only if no writer holds the lock, giving that
 * write {@link #CLOSE_FRAME_LIMIT} (a watchdog on the injected {@link Timer} closes the channel,
 * which ends a write blocked on a peer that stopped reading), then closes the channel, which also
 * frees a writer blocked on such a peer.
 */
public final class UnixWebSocket implements AutoCloseable {
  /** The status line of an accepted upgrade (compiled once, not per connection). */
  private static final Pattern SWITCHING_PROTOCOLS = Pattern.compile("HTTP/1\\.1 101( .*)?");

  /** Largest message accepted from the peer (a long thread's {@code thread/read} is big). */
  static final long MAX_MESSAGE = 256L * 1024 * 1024;

  private static final int MAX_HEADER_BYTES = 16 * 1024;

  /** The read buffer of a connection that streams: one read takes many delta frames. */
  public static final int STREAM_BUFFER = 64 * 1024;

  /** The read buffer of a connection that only asks now and then (the keeper's). */
  public static final int SMALL_BUFFER = 4 * 1024;

  /** Receives what the peer sends; all calls come from the reader thread. */
  public interface Listener {
    /** One complete text message (UTF-8 bytes). */
    void onText(byte[] utf8);

    /** The connection ended: {@code error} null for a close frame or a clean end of stream. */
    void onClosed(IOException error);

    /**
     * The messages until {@link #onBatchEnd()} were read together (buffered; only the rest of a
     * frame cut in two can make the reader wait in between).
     */
    default void onBatchStart() {}

    /** Nothing more is buffered: the next message needs a read that may block. */
    default void onBatchEnd() {}
  }

  /** How long {@link #close} gives its close frame before it closes the channel regardless. */
  static final Duration CLOSE_FRAME_LIMIT = Duration.ofSeconds(1);

  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;
  private final Timer timer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicReference<byte[]> pendingPong = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixWebSocket(SocketChannel channel, InputStream in, Timer timer) {
    this(channel, in, new ChannelStreams.Output(channel), timer);
  }

  /** A connection whose handshake is done, over the given streams of {@code channel} (tests). */
  UnixWebSocket(SocketChannel channel, InputStream in, OutputStream out, Timer timer) {
    this.channel = channel;
    this.in = in;
    this.out = out;
    this.timer = timer;
  }

  /**
   * Connects to the unix socket {@code socket} and completes the opening handshake within {@code
   * timeout}.
   */
  public static UnixWebSocket connect(Path socket, Duration timeout, Timer timer)
      throws IOException {
    return connect(socket, timeout, timer, STREAM_BUFFER);
  }

  /**
   * As above, reading through a buffer of {@code bufferBytes}: {@link #STREAM_BUFFER} for a
   * connection that streams a turn, less for one that only asks now and then (each open connection
   * keeps its buffer).
   */
  public static UnixWebSocket connect(Path socket, Duration timeout, Timer timer, int bufferBytes)
      throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    AtomicBoolean timedOut = new AtomicBoolean();
    Timer.Cancellable guard =
        timer.schedule(
            timeout,
            () -> {
              timedOut.set(true);
              closeQuietly(ch);
            });
    boolean ok = false;
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      InputStream input =
          new BufferedInputStream(
              new ChannelStreams.Input(ch, ReadCoalescing.system()), bufferBytes);
      UnixWebSocket ws = new UnixWebSocket(ch, input, timer);
      ws.handshake();
      ok = true;
      return ws;
    } catch (IOException e) {
      if (timedOut.get()) {
        throw new IOException(
            "WebSocket handshake on " + socket + " timed out after " + timeout.toMillis() + "ms",
            e);
      }
      throw e;
    } finally {
      guard.cancel();
      if (!ok) {
        closeQuietly(ch);
      }
    }
  }

  private void handshake() throws IOException {
    String key = WebSocketFrames.newKey();
    String request =
        "GET / HTTP/1.1\r\n"
            + "Host: localhost\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + key
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    writeLock.lock();
    try {
      out.write(request.getBytes(StandardCharsets.US_ASCII));
    } finally {
      writeLock.unlock();
    }
    String[] lines = readHeaders().split("\r\n");
    if (lines.length == 0 || !SWITCHING_PROTOCOLS.matcher(lines[0]).matches()) {
      throw new IOException("WebSocket upgrade refused: " + (lines.length == 0 ? "" : lines[0]));
    }
    String accept = null;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0
          && lines[i]
              .substring(0, colon)
              .trim()
              .toLowerCase(Locale.ROOT)
              .equals("sec-websocket-accept")) {
        accept = lines[i].substring(colon + 1).trim();
      }
    }
    if (!WebSocketFrames.acceptFor(key).equals(accept)) {
      throw new IOException("WebSocket upgrade answered with a wrong Sec-WebSocket-Accept");
    }
  }

  private String readHeaders() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0; // count of matched bytes of \r\n\r\n
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the WebSocket handshake");
      }
      buf.write(b);
      if (buf.size() > MAX_HEADER_BYTES) {
        throw new IOException("WebSocket handshake response headers too long");
      }
      boolean cr = (state == 0 || state == 2) && b == '\r';
      boolean lf = (state == 1 || state == 3) && b == '\n';
      state = cr || lf ? state + 1 : (b == '\r' ? 1 : 0);
    }
    return buf.toString(StandardCharsets.ISO_8859_1).trim();
  }

  /** Starts the reader thread; call at most once. */
  public Thread startReading(String threadName, Listener listener) {
    return Threads.startDaemon(threadName, () -> readLoop(listener));
  }

  private void readLoop(Listener listener) {
    IOException failure = null;
    FrameReader reader = new FrameReader(listener);
    try {
      WebSocketFrames.Frame f;
      do {
        f = WebSocketFrames.read(in, MAX_MESSAGE);
      } while (f != null && reader.take(f));
    } catch (IOException e) {
      failure = closed.get() ? null : e;
    } finally {
      close();
      if (reader.inBatch) {
        listener.onBatchEnd();
      }
    }
    listener.onClosed(failure);
  }

  /**
   * What the reader thread does with each frame, as a method of its own: the read loop runs once
   * per connection, so its body would stay interpreted for tens of thousands of frames, whereas
   * {@link #take} is compiled after a few hundred. Reader thread only.
   */
  private final class FrameReader {
    private final Listener listener;
    private ByteArrayOutputStream message;
    private int messageOpcode;
    boolean inBatch;

    FrameReader(Listener listener) {
      this.listener = listener;
    }

    /** Handles one frame; false once the connection is to end (a close frame). */
    boolean take(WebSocketFrames.Frame f) throws IOException {
      if (f.isControl()) {
        if (f.opcode() == WebSocketFrames.OP_PING) {
          pendingPong.set(f.payload());
          writePendingPong();
        } else if (f.opcode() == WebSocketFrames.OP_CLOSE) {
          byte[] echo = f.payload();
          closeWith(echo.length >= 2 ? new byte[] {echo[0], echo[1]} : new byte[0]);
          return false;
        }
        return true;
      }
      // a whole message in one frame (all Codex sends) is taken as it is: no copy
      byte[] text =
          f.fin() && f.opcode() == WebSocketFrames.OP_TEXT && message == null
              ? f.payload()
              : fragment(f);
      if (text != null) {
        if (!inBatch) {
          listener.onBatchStart();
          inBatch = true;
        }
        listener.onText(text);
      }
      if (inBatch && in.available() == 0) {
        inBatch = false;
        listener.onBatchEnd();
      }
      return true;
    }

    /** Adds a fragment; the whole text once the last one came, else null. */
    private byte[] fragment(WebSocketFrames.Frame f) throws IOException {
      if (f.opcode() == WebSocketFrames.OP_CONTINUATION) {
        if (message == null) {
          throw new WebSocketFrames.ProtocolException("continuation frame without a message");
        }
      } else {
        if (message != null) {
          throw new WebSocketFrames.ProtocolException("new message inside a fragmented one");
        }
        message = new ByteArrayOutputStream();
        messageOpcode = f.opcode();
      }
      message.write(f.payload());
      if (message.size() > MAX_MESSAGE) {
        throw new WebSocketFrames.ProtocolException("message exceeds " + MAX_MESSAGE + " bytes");
      }
      if (!f.fin()) {
        return null;
      }
      byte[] text = messageOpcode == WebSocketFrames.OP_TEXT ? message.toByteArray() : null;
      message = null;
      return text;
    }
  }

  /** Sends one text message (the caller's UTF-8 bytes, unchanged). */
  public void sendText(byte[] utf8) throws IOException {
    send(WebSocketFrames.OP_TEXT, utf8);
  }

  private void send(int opcode, byte[] payload) throws IOException {
    if (closed.get()) {
      throw new IOException("WebSocket connection is closed");
    }
    writeLock.lock();
    try {
      WebSocketFrames.write(out, opcode, payload, true);
    } finally {
      writeLock.unlock();
    }
    writePendingPong();
  }

  /** Writes a pending pong if the write lock is free; never waits for it. */
  private void writePendingPong() {
    if (pendingPong.get() == null || !writeLock.tryLock()) {
      return;
    }
    try {
      byte[] payload = pendingPong.getAndSet(null);
      if (payload != null && !closed.get()) {
        WebSocketFrames.write(out, WebSocketFrames.OP_PONG, payload, true);
      }
    } catch (IOException e) {
      // the reader sees the connection end
    } finally {
      writeLock.unlock();
    }
  }

  /** Whether a writer holds the write lock (tests). */
  boolean writing() {
    return writeLock.isLocked();
  }

  public boolean isOpen() {
    return !closed.get();
  }

  /** Sends a close frame (when no writer holds the lock) and closes the socket; idempotent. */
  @Override
  public void close() {
    closeWith(new byte[] {0x03, (byte) 0xE8}); // 1000 normal closure
  }

  private void closeWith(byte[] code) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (writeLock.tryLock()) {
      // a peer that stopped reading may have left no room for the frame: the watchdog closes the
      // channel, which ends the blocked write
      Timer.Cancellable watchdog = watchdog();
      try {
        WebSocketFrames.write(out, WebSocketFrames.OP_CLOSE, code, true);
      } catch (IOException e) {
        // the peer is going away anyway
      } finally {
        writeLock.unlock();
        if (watchdog != null) {
          watchdog.cancel();
        }
      }
    }
    closeQuietly(channel);
  }

  /** Closes the channel after {@link #CLOSE_FRAME_LIMIT}; null when the timer has stopped. */
  private Timer.Cancellable watchdog() {
    try {
      return timer.schedule(CLOSE_FRAME_LIMIT, () -> closeQuietly(channel));
    } catch (RuntimeException e) {
      closeQuietly(channel); // no timer left (shutdown): no frame either
      return null;
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
