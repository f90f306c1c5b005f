package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPacerTest {
  private long now;
  private final List<Long> pauses = new ArrayList<>();
  private final ReadPacer pacer =
      new ReadPacer(
          () -> now,
          nanos -> {
            pauses.add(nanos);
            now += nanos;
          });

  /** One read returning {@code afterNanos} after the previous one. */
  private void read(long afterNanos, boolean filled) {
    pacer.beforeRead();
    now += afterNanos;
    pacer.afterRead(filled);
  }

  @Test
  void aStreamOfLinesIsReadInBatchesAfterAStreak() {
    for (int i = 0; i <= ReadPacer.STREAK; i++) {
      read(50_000, false);
    }
    assertEquals(List.of(), pauses, "no pause until the streak is complete");
    read(50_000, false);
    assertEquals(List.of(ReadPacer.PAUSE_NANOS), pauses);
    read(50_000, false); // the pause counts toward the gap, still under it: the stream goes on
    assertEquals(2, pauses.size());
  }

  @Test
  void sparseLinesAreReadAtOnce() {
    for (int i = 0; i < 100; i++) {
      read(ReadPacer.GAP_NANOS, false);
    }
    assertEquals(List.of(), pauses);
  }

  @Test
  void aGapEndsTheStreak() {
    for (int i = 0; i < ReadPacer.STREAK + 5; i++) {
      read(10_000, false);
    }
    int paused = pauses.size();
    read(5_000_000, false); // the stream stopped: this read waited for a while
    read(10_000, false);
    assertEquals(
        paused + 1, pauses.size(), "the read right after the gap was still paced, not the next");
    for (int i = 0; i < ReadPacer.STREAK - 1; i++) {
      read(10_000, false);
    }
    assertEquals(paused + 1, pauses.size());
  }

  @Test
  void aFullBufferIsFollowedByAReadAtOnce() {
    for (int i = 0; i <= ReadPacer.STREAK + 1; i++) {
      read(10_000, false);
    }
    int paused = pauses.size();
    read(10_000, true);
    read(10_000, false);
    assertEquals(
        paused + 1, pauses.size(), "more is waiting after a full read: no pause before the next");
  }

  /**
   * Review: where a pause cannot be that short (Windows parks for at least a millisecond, often a
   * whole timer tick), pacing would stall the stream; a pacer whose pauses keep overrunning turns
   * itself off, and a rare overrun on a busy host does not.
   */
  @Test
  void pausesThatKeepOverrunningTurnPacingOff() {
    ReadPacer windowsLike =
        new ReadPacer(
            () -> now,
            nanos -> {
              pauses.add(nanos);
              now += 15_600_000;
            });
    for (int burst = 0; burst < 10; burst++) {
      completeAStreak(windowsLike);
      windowsLike.beforeRead();
    }
    assertEquals(3, pauses.size(), "off after three overruns");

    pauses.clear();
    ReadPacer busyHost =
        new ReadPacer(
            () -> now,
            nanos -> {
              pauses.add(nanos);
              now += pauses.size() % 10 == 0 ? 5_000_000 : nanos; // one pause in ten overruns
            });
    for (int burst = 0; burst < 40; burst++) {
      completeAStreak(busyHost);
      busyHost.beforeRead();
    }
    assertEquals(40, pauses.size(), "still pacing");
  }

  /** Reads under the gap until the streak is complete (the first one may end an earlier streak). */
  private void completeAStreak(ReadPacer p) {
    for (int k = 0; k <= ReadPacer.STREAK; k++) {
      now += 10_000;
      p.afterRead(false);
    }
  }

  /** The line reader consults the pacer around every read and still splits lines the same. */
  @Test
  void lineReaderConsultsThePacer() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append("{\"n\":").append(i).append("}\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    InputStream oneLineAtATime =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            int n = 0;
            int c;
            while (n < len && (c = read()) >= 0) {
              b[off + n++] = (byte) c;
              if (c == '\n') {
                break;
              }
            }
            now += 10_000;
            return n == 0 ? -1 : n;
          }
        };
    ByteLineReader lines = new ByteLineReader(oneLineAtATime, 1 << 20, pacer);
    List<String> got = new ArrayList<>();
    for (int n; (n = lines.next()) != ByteLineReader.END; ) {
      got.add(new String(lines.line(), 0, n, StandardCharsets.UTF_8));
    }
    assertEquals(40, got.size());
    assertEquals("{\"n\":39}", got.get(39));
    assertEquals(
        40 - ReadPacer.STREAK,
        pauses.size(),
        "reads 18 to 41 (the last one meets the end) were paced");
  }
}
