package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLineReaderTest {
  private static final int LIMIT = 1 << 20;

  private static List<String> lines(InputStream in) throws IOException {
    ByteLineReader r = new ByteLineReader(in, LIMIT);
    List<String> out = new ArrayList<>();
    for (int n; (n = r.next()) != ByteLineReader.END; ) {
      out.add(
          n == ByteLineReader.TOO_LONG
              ? "<too long: " + r.droppedLength() + ">"
              : new String(r.line(), 0, n, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** One byte per read: every line and every multi-byte character spans reads. */
  private static InputStream trickle(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return new InputStream() {
      int pos;

      @Override
      public int read() {
        return pos < b.length ? b[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] dst, int off, int len) {
        if (pos >= b.length) {
          return -1;
        }
        dst[off] = b[pos++];
        return 1;
      }
    };
  }

  @Test
  void splitsOnNewlinesDropsCarriageReturnsKeepsTheLastUnterminatedLine() throws IOException {
    String text = "{\"a\":1}\r\n\n  \n{\"t\":\"h\u00e9\u20ac\uD83D\uDE00\"}\n{\"last\":true}";
    List<String> expected =
        List.of("{\"a\":1}", "", "  ", "{\"t\":\"h\u00e9\u20ac\uD83D\uDE00\"}", "{\"last\":true}");
    assertEquals(expected, lines(bytes(text)));
    assertEquals(expected, lines(trickle(text)));
  }

  @Test
  void emptyInputAndAFinalNewlineEndCleanly() throws IOException {
    assertEquals(List.of(), lines(bytes("")));
    assertEquals(List.of("x"), lines(bytes("x\n")));
  }

  @Test
  void anOverlongLineIsSkippedWholeAndReadingGoesOn() throws IOException {
    String big = "x".repeat(LIMIT + 10);
    String tooLong = "<too long: " + (LIMIT + 10) + ">";
    assertEquals(List.of(tooLong, "{\"ok\":1}"), lines(bytes(big + "\n{\"ok\":1}\n")));
    assertEquals(List.of("{\"ok\":1}", tooLong), lines(bytes("{\"ok\":1}\n" + big)));
  }

  @Test
  void aLineExactlyAtTheLimitIsKeptAndTheNextLineIsReadIntoAFreshBuffer() throws IOException {
    String max = "y".repeat(LIMIT);
    List<String> got = lines(bytes(max + "\nz\n"));
    assertEquals(2, got.size());
    assertEquals(max.length(), got.get(0).length());
    assertEquals("z", got.get(1));
  }
}
