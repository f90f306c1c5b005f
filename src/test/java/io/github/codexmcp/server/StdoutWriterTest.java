package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class StdoutWriterTest {
  /** Stdout of a client that stops reading until {@link #resume}. */
  static final class StalledOut extends OutputStream {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch blocked = new CountDownLatch(1);

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      blocked.countDown();
      try {
        reading.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      synchronized (written) {
        written.write(b, off, len);
      }
    }

    void resume() {
      reading.countDown();
    }

    List<String> lines() {
      synchronized (written) {
        return written.toString(StandardCharsets.UTF_8).lines().toList();
      }
    }
  }

  private static byte[] line(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void awaitBlocked(Thread t) {
    while (t.getState() != Thread.State.WAITING && t.isAlive()) {
      Thread.onSpinWait();
    }
  }

  @Test
  void responsesWaitForRoomAndAllArriveInOrderOnceTheClientReads() throws Exception {
    StalledOut out = new StalledOut();
    StdoutWriter w = new StdoutWriter(out, () -> {}, () -> false, 50);
    w.send(line("{\"id\":1,\"pad\":\"aaaaaaaaaaaaaaaa\"}"), StdoutWriter.Kind.RESPONSE);
    out.blocked.await(); // the writer took line 1 and is stuck in write
    w.send(line("{\"id\":2}"), StdoutWriter.Kind.RESPONSE); // 35 + 9 fits in 50; 35 + 9 + 9...
    Thread producer =
        new Thread(() -> w.send(line("{\"id\":3}"), StdoutWriter.Kind.RESPONSE), "producer");
    producer.start();
    awaitBlocked(producer); // ...so this one waits: the queue is over its bound
    assertEquals(43, w.queuedBytes(), "lines 1 and 2 with their newlines; line 3 waits");
    out.resume();
    producer.join();
    assertTrue(w.awaitDrained(Duration.ofSeconds(10)));
    assertEquals(
        List.of("{\"id\":1,\"pad\":\"aaaaaaaaaaaaaaaa\"}", "{\"id\":2}", "{\"id\":3}"),
        out.lines());
    assertEquals(0, w.queuedBytes());
  }

  @Test
  void aLineLargerThanTheBoundIsTakenWhenTheQueueIsEmpty() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdoutWriter w = new StdoutWriter(out, () -> {}, () -> false, 4);
    w.send(line("{\"big\":\"0123456789\"}"), StdoutWriter.Kind.RESPONSE);
    w.send(line("{}"), StdoutWriter.Kind.NOTIFICATION);
    assertTrue(w.awaitDrained(Duration.ofSeconds(10)));
    assertEquals("{\"big\":\"0123456789\"}\n{}\n", out.toString(StandardCharsets.UTF_8));
  }

  private static McpSchema.JSONRPCNotification progress(String token, double value) {
    return new McpSchema.JSONRPCNotification(
        "2.0",
        McpSchema.METHOD_NOTIFICATION_PROGRESS,
        new McpSchema.ProgressNotification(token, value, null, null));
  }

  @Test
  void progressCoalescesPerTokenAndIsDroppedWhenFullNeverResponses() throws Exception {
    StalledOut out = new StalledOut();
    StdoutWriter w = new StdoutWriter(out, () -> {}, () -> false, 600);
    w.send(line("{\"id\":0}"), StdoutWriter.Kind.RESPONSE);
    out.blocked.await();
    w.send(progress("a", 1)); // each message counts as 256 bytes until it is written
    w.send(progress("b", 1));
    w.send(progress("a", 2)); // replaces a/1 in place
    w.send(line("{\"id\":1}"), StdoutWriter.Kind.RESPONSE);
    w.send(progress("c", 1)); // no room: dropped
    assertEquals(1, w.droppedProgress());
    out.resume();
    assertTrue(w.awaitDrained(Duration.ofSeconds(10)));
    List<String> lines = out.lines();
    assertEquals(4, lines.size(), lines.toString());
    assertEquals("{\"id\":0}", lines.get(0));
    assertEquals("a", Json.parse(lines.get(1)).at("/params/progressToken").asText());
    assertEquals(2, Json.parse(lines.get(1)).at("/params/progress").asInt());
    assertEquals("b", Json.parse(lines.get(2)).at("/params/progressToken").asText());
    assertEquals("{\"id\":1}", lines.get(3));
  }

  @Test
  void messagesAreSerialisedByTheWriterAsJacksonWritesThem() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdoutWriter w = new StdoutWriter(out, () -> {}, () -> false, 1 << 20);
    McpSchema.JSONRPCResponse r =
        new McpSchema.JSONRPCResponse(
            "2.0",
            "r1",
            new McpSchema.CallToolResult(
                List.of(new McpSchema.TextContent("t \uD83D\uDE00")), false, null, null),
            null);
    w.send(r);
    assertTrue(w.awaitDrained(Duration.ofSeconds(10)));
    assertEquals(
        new String(Json.COMPACT.writeValueAsBytes(r), StandardCharsets.UTF_8) + "\n",
        out.toString(StandardCharsets.UTF_8));
    assertTrue(StdoutWriter.estimatedSize(r) > 256);
  }

  @Test
  void awaitRoomReturnsOnceTheQueueDrainsBelowItsBound() throws Exception {
    StalledOut out = new StalledOut();
    StdoutWriter w = new StdoutWriter(out, () -> {}, () -> false, 10);
    w.send(line("{\"id\":\"0123456789\"}"), StdoutWriter.Kind.RESPONSE);
    out.blocked.await();
    Thread waiter =
        new Thread(
            () -> {
              try {
                w.awaitRoom();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();
    awaitBlocked(waiter);
    assertTrue(waiter.isAlive(), "no room while the client does not read");
    out.resume();
    waiter.join();
  }

  @Test
  void theAfterWriteHookRunsOnTheWriterThread() throws Exception {
    Runnable afterWrite = mock(Runnable.class);
    StdoutWriter w = new StdoutWriter(new ByteArrayOutputStream(), afterWrite, () -> false, 100);
    w.send(line("{}"), StdoutWriter.Kind.RESPONSE);
    verify(afterWrite, timeout(10_000).atLeastOnce()).run();
  }

  /** A result whose serialisation fails (a getter that throws). */
  public static final class Unserialisable {
    public String getText() {
      throw new IllegalStateException("boom");
    }
  }

  @Test
  void anAnswerThatCannotBeSerialisedGetsAnErrorForItsIdAndNoCutLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdoutWriter w = new StdoutWriter(out, () -> {}, () -> false, 1 << 20);
    w.send(new McpSchema.JSONRPCResponse("2.0", 7, new Unserialisable(), null));
    w.send(new McpSchema.JSONRPCResponse("2.0", 8, java.util.Map.of("ok", true), null));
    assertTrue(w.awaitDrained(Duration.ofSeconds(10)));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    var first = Json.parse(lines.get(0));
    assertEquals(7, first.path("id").asInt(), lines.get(0));
    assertEquals(McpSchema.ErrorCodes.INTERNAL_ERROR, first.at("/error/code").asInt());
    assertEquals(8, Json.parse(lines.get(1)).path("id").asInt(), lines.get(1));
  }
}
