package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLineReaderTest {
  private final List<String> values = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();
  private final List<Long> oversized = new ArrayList<>();

  private final JsonLineReader.Sink sink =
      new JsonLineReader.Sink() {
        @Override
        public void onJson(JsonNode value) {
          values.add(value.toString());
        }

        @Override
        public void onMalformed(String line, Exception cause) {
          malformed.add(line);
        }

        @Override
        public void onOversized(long length) {
          oversized.add(length);
        }
      };

  @Test
  void bracketsTheLinesOfEachReadAsABatch() throws IOException {
    List<String> seen = new ArrayList<>();
    JsonLineReader.Sink recording =
        new JsonLineReader.Sink() {
          @Override
          public void onJson(JsonNode value) {
            seen.add(value.toString());
          }

          @Override
          public void onMalformed(String line, Exception cause) {
            seen.add("malformed");
          }

          @Override
          public void onBatchStart() {
            seen.add("[");
          }

          @Override
          public void onBatchEnd() {
            seen.add("]");
          }
        };
    InputStream chunks =
        new Chunks("{\"a\":1}\n{\"b\":2}\n{\"c\"", ":3}\nbanner\n{oops\n", "{\"d\":4}");
    new JsonLineReader(chunks).readAll(recording);
    assertEquals(
        List.of(
            "[",
            "{\"a\":1}",
            "{\"b\":2}",
            "]",
            "[",
            "{\"c\":3}",
            "malformed",
            "]",
            "[",
            "{\"d\":4}",
            "]"),
        seen,
        "a batch ends before any read that may block, also before the rest of a cut line");
  }

  @Test
  void decodesMultiByteCharacterSplitAcrossReads() throws IOException {
    byte[] bytes = "{\"t\":\"h\u00e9\u20ac\uD83D\uDE00\"}\n".getBytes(StandardCharsets.UTF_8);
    new JsonLineReader(new OneByteAtATime(bytes)).readAll(sink);
    assertEquals(List.of("{\"t\":\"h\u00e9\u20ac\uD83D\uDE00\"}"), values);
  }

  @Test
  void skipsBannerEmptyAndNonJsonLinesAndTrims() throws IOException {
    read("Welcome to codex\n\n   \n  {\"a\":1}  \r\nnot json\n[{\"b\":2}]\n");
    assertEquals(List.of("{\"a\":1}", "[{\"b\":2}]"), values);
    assertTrue(malformed.isEmpty());
  }

  @Test
  void reportsMalformedJsonLinesAndKeepsReading() throws IOException {
    read("{not json\n[1,\n{\"ok\":true}\n");
    assertEquals(List.of("{not json", "[1,"), malformed);
    assertEquals(List.of("{\"ok\":true}"), values);
  }

  @Test
  void handlesLastLineWithoutNewline() throws IOException {
    read("{\"a\":1}\n{\"b\":2}");
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), values);
  }

  @Test
  void dropsOversizedLinesAndContinues() throws IOException {
    String big = "{\"x\":\"" + "a".repeat(100) + "\"}";
    byte[] bytes = (big + "\n{\"ok\":1}\n").getBytes(StandardCharsets.UTF_8);
    new JsonLineReader(new ByteArrayInputStream(bytes), 50).readAll(sink);
    assertEquals(List.of("{\"ok\":1}"), values);
    assertEquals(List.of((long) big.length()), oversized);
  }

  @Test
  void acceptsLineExactlyAtTheLimit() throws IOException {
    String line = "{\"x\":\"" + "a".repeat(10) + "\"}";
    new JsonLineReader(
            new OneByteAtATime((line + "\n").getBytes(StandardCharsets.UTF_8)), line.length())
        .readAll(sink);
    assertEquals(List.of(line), values);
    assertTrue(oversized.isEmpty());
  }

  @Test
  void invalidUtf8BecomesReplacementCharacters() throws IOException {
    byte[] head = "{\"t\":\"a".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "b\"}\n{\"ok\":1}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 2 + tail.length];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xC3; // a lead byte followed by an ASCII byte: malformed
    bytes[head.length + 1] = (byte) 0xFF; // never valid in UTF-8
    System.arraycopy(tail, 0, bytes, head.length + 2, tail.length);
    new JsonLineReader(new ByteArrayInputStream(bytes)).readAll(sink);
    assertEquals(List.of("{\"t\":\"a\uFFFD\uFFFDb\"}", "{\"ok\":1}"), values);
    assertTrue(malformed.isEmpty());
  }

  @Test
  void linesSpanningManyReadsAndLongLinesInBetween() throws IOException {
    String longLine = "{\"x\":\"" + "\u00e9".repeat(40_000) + "\"}";
    String text = "{\"a\":1}\n" + longLine + "\n{\"b\":2}\n" + longLine + "\n";
    read(text);
    assertEquals(List.of("{\"a\":1}", longLine, "{\"b\":2}", longLine), values);
    values.clear();
    new JsonLineReader(new OneByteAtATime(text.getBytes(StandardCharsets.UTF_8))).readAll(sink);
    assertEquals(List.of("{\"a\":1}", longLine, "{\"b\":2}", longLine), values);
  }

  @Test
  void theLimitCountsBytes() throws IOException {
    String line = "{\"x\":\"" + "\u00e9".repeat(10) + "\"}"; // 18 characters, 28 bytes
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    new JsonLineReader(new ByteArrayInputStream(bytes), 27).readAll(sink);
    assertEquals(List.of(28L), oversized);
    oversized.clear();
    new JsonLineReader(new ByteArrayInputStream(bytes), 28).readAll(sink);
    assertEquals(List.of(line), values);
  }

  private void read(String text) throws IOException {
    new JsonLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
        .readAll(sink);
  }

  /** Returns one byte per read, so every multi-byte character is split across reads. */
  /** Returns one chunk per read. */
  private static final class Chunks extends InputStream {
    private final List<byte[]> chunks = new ArrayList<>();

    Chunks(String... parts) {
      for (String p : parts) {
        chunks.add(p.getBytes(StandardCharsets.UTF_8));
      }
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (chunks.isEmpty()) {
        return -1;
      }
      byte[] c = chunks.remove(0);
      System.arraycopy(c, 0, b, off, c.length);
      return c.length;
    }
  }

  private static final class OneByteAtATime extends InputStream {
    private final byte[] bytes;
    private int pos;

    OneByteAtATime(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= bytes.length) {
        return -1;
      }
      b[off] = bytes[pos++];
      return 1;
    }
  }
}
