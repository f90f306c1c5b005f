package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the last events of an {@code events.jsonl} without parsing the whole file, and repairs a
 * torn tail so that later appends start on a fresh line.
 *
 * <p>Only a window at the end of the file is read (grown until it holds more than {@code keep}
 * complete lines, at most {@link #MAX_WINDOW} bytes), so startup cost does not grow with the log.
 * Deviation from spec 40 §6.3 ("stop at the first unparseable line"): unparseable lines are skipped
 * instead. With tail repair the only such lines are real corruption, and stopping there would hide
 * every later event on every future restart. Not thread-safe; used under the store's I/O lock.
 */
final class EventLogTail {
  static final int INITIAL_WINDOW = 256 * 1024;
  static final int MAX_WINDOW = 64 * 1024 * 1024;

  /**
   * Recovered events (ascending seq, at most {@code keep}) and the highest seq (or -1); {@code end}
   * is the byte offset just after the last whole line read (where a later read continues); {@code
   * whole} is false for the lines after an offset ({@link #readFrom}).
   */
  record Tail(List<ObjectNode> events, long lastSeq, int skippedLines, long end, boolean whole) {
    Tail(List<ObjectNode> events, long lastSeq, int skippedLines) {
      this(events, lastSeq, skippedLines, 0, true);
    }
  }

  private EventLogTail() {}

  static Tail read(Path file, int keep) throws IOException {
    return read(file, keep, true);
  }

  /**
   * As {@link #read(Path, int)}; without {@code repair} the file is only read (another server may
   * be appending to it): an unterminated last line is left out, as a write still in flight.
   */
  static Tail read(Path file, int keep, boolean repair) throws IOException {
    FileChannel opened;
    boolean writable = repair;
    try {
      opened =
          repair
              ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
              : FileChannel.open(file, StandardOpenOption.READ);
    } catch (AccessDeniedException | ReadOnlyFileSystemException e) {
      opened = FileChannel.open(file, StandardOpenOption.READ); // read what we can, repair nothing
      writable = false;
    } catch (NoSuchFileException e) {
      return new Tail(List.of(), -1, 0);
    }
    try (FileChannel ch = opened) {
      long size = ch.size();
      if (size == 0) {
        return new Tail(List.of(), -1, 0);
      }
      byte[] buf = window(ch, size, keep);
      long start = size - buf.length;
      int from = 0;
      if (start > 0) { // the window starts inside a line: drop that fragment
        while (from < buf.length && buf[from] != '\n') {
          from++;
        }
        from++;
      }
      List<ObjectNode> events = new ArrayList<>();
      int skipped = 0;
      int lineStart = from;
      for (int i = from; i < buf.length; i++) {
        if (buf[i] == '\n') {
          skipped += addLine(buf, lineStart, i, events) ? 0 : 1;
          lineStart = i + 1;
        }
      }
      long end = start + lineStart;
      if (lineStart < buf.length && repair) { // unterminated last line: keep if whole, else cut
        if (addLine(buf, lineStart, buf.length, events)) {
          if (writable) {
            ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
            end = size + 1;
          }
        } else {
          if (writable) {
            ch.truncate(start + lineStart);
          }
          skipped++;
        }
      }
      events.sort(Comparator.comparingLong(e -> e.get("seq").asLong()));
      List<ObjectNode> kept =
          events.size() > keep ? events.subList(events.size() - keep, events.size()) : events;
      long lastSeq = kept.isEmpty() ? -1 : kept.get(kept.size() - 1).get("seq").asLong();
      return new Tail(List.copyOf(kept), lastSeq, skipped, end, true);
    }
  }

  /**
   * The whole lines of {@code file} from byte {@code offset} on (what another server appended since
   * a previous read ended there), never repairing anything; null when the file is shorter than
   * {@code offset} or the new part is larger than {@link #MAX_WINDOW} (then read the tail afresh).
   */
  static Tail readFrom(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < offset || size - offset > MAX_WINDOW) {
        return null;
      }
      byte[] buf = new byte[(int) (size - offset)];
      ByteBuffer bb = ByteBuffer.wrap(buf);
      while (bb.hasRemaining() && ch.read(bb, offset + bb.position()) >= 0) {
        // read until the end seen above
      }
      List<ObjectNode> events = new ArrayList<>();
      int skipped = 0;
      int lineStart = 0;
      for (int i = 0; i < bb.position(); i++) {
        if (buf[i] == '\n') {
          skipped += addLine(buf, lineStart, i, events) ? 0 : 1;
          lineStart = i + 1;
        }
      }
      events.sort(Comparator.comparingLong(e -> e.get("seq").asLong()));
      long lastSeq = events.isEmpty() ? -1 : events.get(events.size() - 1).get("seq").asLong();
      return new Tail(List.copyOf(events), lastSeq, skipped, offset + lineStart, false);
    } catch (NoSuchFileException e) {
      return offset == 0 ? new Tail(List.of(), -1, 0, 0, false) : null;
    }
  }

  /** Reads a tail window holding more than {@code keep} newlines, or the whole file. */
  private static byte[] window(FileChannel ch, long size, int keep) throws IOException {
    long len = Math.min(size, INITIAL_WINDOW);
    while (true) {
      byte[] buf = new byte[(int) len];
      ByteBuffer bb = ByteBuffer.wrap(buf);
      long pos = size - len;
      while (bb.hasRemaining()) {
        int n = ch.read(bb, pos + bb.position());
        if (n < 0) {
          break;
        }
      }
      if (len == size || len >= MAX_WINDOW || newlines(buf) > keep + 1) {
        return buf;
      }
      len = Math.min(Math.min(size, MAX_WINDOW), len * 4);
    }
  }

  private static int newlines(byte[] buf) {
    int n = 0;
    for (byte b : buf) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  /** Parses one line; blank lines count as fine, non-objects or a non-numeric seq as bad. */
  private static boolean addLine(byte[] buf, int from, int to, List<ObjectNode> out) {
    int s = from;
    int e = to;
    while (s < e && buf[s] <= ' ') {
      s++;
    }
    while (e > s && buf[e - 1] <= ' ') {
      e--;
    }
    if (s == e) {
      return true;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(buf, s, e - s);
      if (n instanceof ObjectNode o && o.path("seq").isIntegralNumber()) {
        out.add(o);
        return true;
      }
      return false;
    } catch (IOException | RuntimeException ex) {
      return false;
    }
  }
}
