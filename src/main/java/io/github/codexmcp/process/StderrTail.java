package io.github.codexmcp.process;

import io.github.codexmcp.util.Redactor;
import io.github.codexmcp.util.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a child's stderr continuously (a child whose stderr pipe fills up blocks) and keeps the
 * last {@code maxLines} lines for error messages. Every line is also handed to a sink, by default
 * logged to our stderr with a prefix such as {@code [app-server stderr] }. The stream is never
 * parsed for protocol purposes.
 *
 * <p>Threading: one named daemon thread per instance reads until end of stream, then closes the
 * stream, and calls the sink (with no lock held; a slow sink delays only the draining). {@link
 * #lines()} and {@link #text()} are safe from any thread: {@code tail} is guarded by its own
 * monitor, held only to copy or add a line. Lines longer than {@value #MAX_LINE_CHARS} characters
 * are truncated.
 */
public final class StderrTail {
  /** Longest line kept; the remainder of a longer line is dropped. */
  public static final int MAX_LINE_CHARS = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(StderrTail.class);
  private static final Pattern ANSI =
      Pattern.compile("\u001B(?:\\[[0-?]*[ -/]*[@-~]|\\][^\u0007]*\u0007)");

  private final int maxLines;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Consumer<String> sink;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private StderrTail(int maxLines, Consumer<String> sink) {
    this.maxLines = Math.max(1, maxLines);
    this.sink = sink;
  }

  /**
   * Starts draining {@code in} on a daemon thread named {@code threadName}, logging each line at
   * INFO with {@code prefix}.
   */
  public static StderrTail start(InputStream in, String threadName, String prefix, int maxLines) {
    return start(in, threadName, maxLines, line -> LOG.info("{}{}", prefix, line));
  }

  /** As {@link #start(InputStream, String, String, int)} with an explicit line sink. */
  public static StderrTail start(
      InputStream in, String threadName, int maxLines, Consumer<String> sink) {
    StderrTail t = new StderrTail(maxLines, sink);
    Threads.startDaemon(threadName, () -> t.drain(in));
    return t;
  }

  /** The retained lines, oldest first, with ANSI escapes removed. */
  public List<String> lines() {
    synchronized (tail) {
      return List.copyOf(new ArrayList<>(tail));
    }
  }

  /** The retained lines joined with {@code \n}, paths redacted; empty when nothing was written. */
  public String text() {
    return Redactor.redactPaths(String.join("\n", lines()));
  }

  /** Completes when end of stream was reached (or reading failed) and the stream was closed. */
  public CompletableFuture<Void> closed() {
    return closed.copy();
  }

  private void drain(InputStream in) {
    try (Reader r =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE))) {
      char[] buf = new char[4096];
      StringBuilder line = new StringBuilder();
      boolean truncated = false;
      int n;
      while ((n = r.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            emit(line);
            line.setLength(0);
            truncated = false;
          } else if (line.length() < MAX_LINE_CHARS) {
            line.append(c);
          } else if (!truncated) {
            truncated = true;
          }
        }
      }
      emit(line);
    } catch (IOException e) {
      // The child went away or the stream was closed under us: the tail keeps what it has.
    } finally {
      closed.complete(null);
    }
  }

  private void emit(StringBuilder raw) {
    String line = stripTrailing(raw);
    if (line.isEmpty()) {
      return;
    }
    String clean = ANSI.matcher(line).replaceAll("");
    synchronized (tail) {
      if (tail.size() == maxLines) {
        tail.removeFirst();
      }
      tail.addLast(clean);
    }
    try {
      sink.accept(line);
    } catch (RuntimeException e) {
      // A failing sink must not stop the drain, or the child would block on a full pipe.
    }
  }

  private static String stripTrailing(StringBuilder sb) {
    int end = sb.length();
    while (end > 0 && Character.isWhitespace(sb.charAt(end - 1))) {
      end--;
    }
    return sb.substring(0, end);
  }
}
