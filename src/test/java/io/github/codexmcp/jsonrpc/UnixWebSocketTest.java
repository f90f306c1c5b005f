package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.ScheduledTimer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnixWebSocketTest {
  @TempDir Path dir;
  private final ScheduledTimer timer = new ScheduledTimer();

  @AfterEach
  void tearDown() {
    timer.close();
  }

  @Test
  void framesRoundTripForEveryLengthEncoding() throws IOException {
    for (int len : new int[] {0, 5, 125, 126, 65535, 65536, 200_000}) {
      byte[] payload = new byte[len];
      for (int i = 0; i < len; i++) {
        payload[i] = (byte) (i * 31);
      }
      for (boolean masked : new boolean[] {true, false}) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocketFrames.write(out, WebSocketFrames.OP_TEXT, payload, masked);
        WebSocketFrames.Frame f =
            WebSocketFrames.read(new ByteArrayInputStream(out.toByteArray()), Long.MAX_VALUE);
        assertTrue(f.fin());
        assertEquals(WebSocketFrames.OP_TEXT, f.opcode());
        assertArrayEquals(payload, f.payload(), "length " + len + " masked " + masked);
      }
    }
  }

  @Test
  void badFramesAreProtocolErrors() {
    assertThrows(
        WebSocketFrames.ProtocolException.class,
        () -> WebSocketFrames.read(new ByteArrayInputStream(new byte[] {(byte) 0xC1, 0}), 10));
    assertThrows(
        WebSocketFrames.ProtocolException.class,
        () -> WebSocketFrames.read(new ByteArrayInputStream(new byte[] {(byte) 0x83, 0}), 10));
    assertThrows(
        WebSocketFrames.ProtocolException.class,
        () -> WebSocketFrames.read(new ByteArrayInputStream(new byte[] {(byte) 0x81, 11}), 10));
    assertThrows(
        java.io.EOFException.class,
        () -> WebSocketFrames.read(new ByteArrayInputStream(new byte[] {(byte) 0x81, 5, 1}), 10));
  }

  @Test
  void acceptValueMatchesTheRfcExample() {
    assertEquals(
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketFrames.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  /** A one-connection server speaking the server side of the protocol. */
  private final class Server implements AutoCloseable {
    final ServerSocketChannel listener;
    final Path path = dir.resolve("t.sock");
    final CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
    final BlockingQueue<WebSocketFrames.Frame> received = new LinkedBlockingQueue<>();
    InputStream in;
    OutputStream out;

    /** Reads what the client sends until {@link #stopReading} (then holds the frames unread). */
    final CountDownLatch reading = new CountDownLatch(1);

    void stopReading() {
      stoppedReading = true;
    }

    volatile boolean stoppedReading;

    Server(String answerAccept) throws IOException {
      listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      listener.bind(UnixDomainSocketAddress.of(path));
      Thread t =
          new Thread(
              () -> {
                try {
                  SocketChannel ch = listener.accept();
                  in = Channels.newInputStream(ch);
                  // not Channels.newOutputStream: its writes wait for the stream's pending read
                  out = new ChannelStreams.Output(ch);
                  String key = null;
                  StringBuilder line = new StringBuilder();
                  while (true) {
                    int b = in.read();
                    if (b == '\n') {
                      String l = line.toString().trim();
                      line.setLength(0);
                      if (l.isEmpty()) {
                        break;
                      }
                      if (l.toLowerCase().startsWith("sec-websocket-key:")) {
                        key = l.substring(l.indexOf(':') + 1).trim();
                      }
                    } else {
                      line.append((char) b);
                    }
                  }
                  String accept =
                      answerAccept != null ? answerAccept : WebSocketFrames.acceptFor(key);
                  out.write(
                      ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                              + accept
                              + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  accepted.complete(ch);
                  while (stoppedReading) {
                    reading.await();
                  }
                  WebSocketFrames.Frame f;
                  while ((f = WebSocketFrames.read(in, Long.MAX_VALUE)) != null) {
                    received.add(f);
                  }
                } catch (IOException e) {
                  accepted.completeExceptionally(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.setDaemon(true);
      t.start();
    }

    void send(int opcode, boolean fin, String text) throws IOException {
      byte[] p = text.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      WebSocketFrames.write(frame, opcode, p, false);
      byte[] bytes = frame.toByteArray();
      if (!fin) {
        bytes[0] &= 0x7F;
      }
      out.write(bytes);
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  @Test
  void exchangesTextAnswersPingsAndAssemblesFragments() throws Exception {
    try (Server server = new Server(null)) {
      UnixWebSocket ws = UnixWebSocket.connect(server.path, Duration.ofSeconds(5), timer);
      server.accepted.get(5, TimeUnit.SECONDS);
      BlockingQueue<String> texts = new LinkedBlockingQueue<>();
      CompletableFuture<IOException> closed = new CompletableFuture<>();
      ws.startReading(
          "t-reader",
          new UnixWebSocket.Listener() {
            @Override
            public void onText(byte[] utf8) {
              texts.add(new String(utf8, StandardCharsets.UTF_8));
            }

            @Override
            public void onClosed(IOException error) {
              closed.complete(error);
            }
          });
      ws.sendText("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
      WebSocketFrames.Frame got = server.received.poll(5, TimeUnit.SECONDS);
      assertEquals("{\"a\":1}", new String(got.payload(), StandardCharsets.UTF_8));

      server.send(WebSocketFrames.OP_TEXT, false, "{\"par");
      server.send(WebSocketFrames.OP_PING, true, "hb");
      server.send(WebSocketFrames.OP_CONTINUATION, true, "t\":2}");
      assertEquals("{\"part\":2}", texts.poll(5, TimeUnit.SECONDS));
      WebSocketFrames.Frame pong = server.received.poll(5, TimeUnit.SECONDS);
      assertEquals(WebSocketFrames.OP_PONG, pong.opcode());
      assertEquals("hb", new String(pong.payload(), StandardCharsets.UTF_8));

      server.send(WebSocketFrames.OP_CLOSE, true, "");
      assertNull(closed.get(5, TimeUnit.SECONDS));
      assertTrue(!ws.isOpen());
      assertThrows(IOException.class, () -> ws.sendText(new byte[] {1}));
    }
  }

  @Test
  void aWrongAcceptIsRefused() throws Exception {
    try (Server server = new Server("bogus")) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> UnixWebSocket.connect(server.path, Duration.ofSeconds(5), timer));
      assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
    }
  }

  @Test
  void aMissingSocketFailsAtOnce() {
    assertThrows(
        IOException.class,
        () -> UnixWebSocket.connect(dir.resolve("none.sock"), Duration.ofSeconds(5), timer));
  }

  @Test
  void aWriterStuckOnAPeerThatStoppedReadingHoldsUpNeitherTheReaderNorClose() throws Exception {
    try (Server server = new Server(null)) {
      server.stopReading();
      UnixWebSocket ws = UnixWebSocket.connect(server.path, Duration.ofSeconds(5), timer);
      server.accepted.get(5, TimeUnit.SECONDS);
      BlockingQueue<String> texts = new LinkedBlockingQueue<>();
      ws.startReading(
          "t-reader",
          new UnixWebSocket.Listener() {
            @Override
            public void onText(byte[] utf8) {
              texts.add(new String(utf8, StandardCharsets.UTF_8));
            }

            @Override
            public void onClosed(IOException error) {}
          });
      CompletableFuture<Throwable> writer = new CompletableFuture<>();
      Thread w =
          new Thread(
              () -> {
                try {
                  ws.sendText(new byte[64 * 1024 * 1024]); // far more than the socket buffers
                  writer.complete(null);
                } catch (Throwable t) {
                  writer.complete(t);
                }
              });
      w.setDaemon(true);
      w.start();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ws.writing() && System.nanoTime() < until) {
        Thread.onSpinWait(); // the writer is on its way to the full socket
      }
      assertTrue(ws.writing(), "the writer holds the write lock");
      assertFalse(writer.isDone(), "the write cannot complete while the peer does not read");

      server.send(WebSocketFrames.OP_PING, true, "hb");
      server.send(WebSocketFrames.OP_TEXT, true, "after the ping");
      assertEquals(
          "after the ping",
          texts.poll(10, TimeUnit.SECONDS),
          "the reader answers a ping without waiting for the stuck writer");

      CompletableFuture<Void> closing = CompletableFuture.runAsync(ws::close);
      closing.get(10, TimeUnit.SECONDS); // does not wait for the stuck writer
      assertTrue(
          writer.get(10, TimeUnit.SECONDS) instanceof IOException,
          "closing frees the stuck writer with an error");
    }
  }

  /** A connected pair of unix-domain channels (client, server side). */
  private SocketChannel[] pair() throws IOException {
    Path path = dir.resolve("pair.sock");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(path));
    SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
    client.connect(UnixDomainSocketAddress.of(path));
    SocketChannel server = listener.accept();
    listener.close();
    return new SocketChannel[] {client, server};
  }

  /**
   * A peer that stopped reading can leave no room for the close frame while no writer holds the
   * lock: close gives that write {@link UnixWebSocket#CLOSE_FRAME_LIMIT}, then closes the channel,
   * which ends the write. Regression: close blocked on that write for as long as the peer did not
   * read.
   */
  @Test
  void closeGivesItsFrameAtMostTheLimitWhenThePeerLeftNoRoom() throws Exception {
    SocketChannel[] pair = pair();
    SocketChannel client = pair[0];
    ManualTimer manual = new ManualTimer();
    CountDownLatch inWrite = new CountDownLatch(1);
    OutputStream full =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            inWrite.countDown();
            while (client.isOpen()) { // as a write into a full socket buffer: until closed
              LockSupport.parkNanos(1_000_000);
            }
            throw new AsynchronousCloseException();
          }
        };
    UnixWebSocket ws = new UnixWebSocket(client, InputStream.nullInputStream(), full, manual);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(ws::close);
    assertTrue(inWrite.await(10, TimeUnit.SECONDS), "close writes its frame");
    assertFalse(closing.isDone(), "the frame's write is blocked");
    assertEquals(List.of(UnixWebSocket.CLOSE_FRAME_LIMIT), manual.pendingDelays());
    manual.advance(UnixWebSocket.CLOSE_FRAME_LIMIT);
    closing.get(10, TimeUnit.SECONDS);
    assertFalse(client.isOpen());
    pair[1].close();
  }

  /** With room for it, the close frame goes out and the watchdog is cancelled. */
  @Test
  void aCloseFrameWithRoomLeavesNoWatchdog() throws Exception {
    SocketChannel[] pair = pair();
    ManualTimer manual = new ManualTimer();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    UnixWebSocket ws = new UnixWebSocket(pair[0], InputStream.nullInputStream(), sent, manual);
    ws.close();
    ws.close(); // idempotent
    assertEquals(0, manual.pending());
    WebSocketFrames.Frame f =
        WebSocketFrames.read(new ByteArrayInputStream(sent.toByteArray()), Long.MAX_VALUE);
    assertEquals(WebSocketFrames.OP_CLOSE, f.opcode());
    assertFalse(pair[0].isOpen());
    pair[1].close();
  }
}
