package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers what clients send first before the MCP SDK, Reactor and Jackson data binding are loaded,
 * which is most of a cold JVM's start-up. Only the streaming JSON parser and generator are used
 * ({@link EarlyAnswers}).
 *
 * <p>The first lines of stdin are read on a thread of its own ({@code stdio-first-lines}), as long
 * as they are what a client's handshake consists of:
 *
 * <ul>
 *   <li>{@code server/discover} (sent first by clients that speak the 2026 protocol, which fall
 *       back to {@code initialize} on an error): answered {@code -32601} at once and not passed on;
 *   <li>the first {@code initialize}: answered at once as the SDK would (same protocol-version
 *       negotiation, capabilities and server info) and still passed on, so that the SDK takes the
 *       session through its normal initialisation; the transport drops the SDK's own (identical)
 *       answer to that id ({@link Result#answeredId});
 *   <li>{@code notifications/initialized}: passed on;
 *   <li>{@code tools/list} after {@code initialize}: answered at once with the tool catalog and not
 *       passed on; reading stops there.
 * </ul>
 *
 * Any other line, or one this parser cannot read, is passed on and ends the early reading, as does
 * the end of input. The transport then reads the passed-on lines ({@link #replay}) and the rest of
 * stdin. Answers are written on {@code out} under its monitor (the transport's write lock).
 *
 * <p>Must be started only after every check that could refuse to start the server, so that a
 * misconfigured server still writes nothing to stdout.
 */
public final class EarlyInitialize {
  /** Protocol versions the SDK's stdio server offers, oldest first (the last is the default). */
  static final List<String> PROTOCOL_VERSIONS = EarlyAnswers.PROTOCOL_VERSIONS;

  private static final int MAX_LINE = 1 << 20;
  private static final int MAX_LINES = 16;
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private final CompletableFuture<Void> initializeAnswered = new CompletableFuture<>();

  /**
   * What the early reader consumed and passes on ({@code firstLine}: the lines for the SDK, in
   * order, possibly none), whether input ended, and the raw JSON id of the {@code initialize} it
   * answered (null when it answered none).
   */
  public record Result(byte[] firstLine, boolean endOfInput, String answeredId) {}

  /** One line as far as the early reader cares. */
  record Request(String method, EarlyAnswers.Id id, String protocol) {}

  private EarlyInitialize() {}

  /**
   * Starts reading the first lines from {@code in} on a daemon thread; answers are written on
   * {@code out} under {@code out}'s monitor.
   */
  public static EarlyInitialize start(
      InputStream in, OutputStream out, String serverName, String version) {
    EarlyInitialize e = new EarlyInitialize();
    Thread t = new Thread(() -> e.run(in, out, serverName, version), "stdio-first-lines");
    t.setDaemon(true);
    t.start();
    return e;
  }

  private void run(InputStream in, OutputStream out, String serverName, String version) {
    ByteArrayOutputStream passOn = new ByteArrayOutputStream(512);
    byte[] tools = null;
    String answered = null;
    boolean eof = false;
    try {
      for (int n = 0; n < MAX_LINES; n++) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        eof = !readLine(in, line);
        byte[] bytes = line.toByteArray();
        if (bytes.length == 0) {
          break;
        }
        Request r = parse(bytes);
        String method = r == null ? null : r.method();
        if ("server/discover".equals(method) && r.id() != null) {
          write(out, EarlyAnswers.methodNotFound(r.id(), method));
        } else if ("initialize".equals(method) && r.id() != null && answered == null) {
          write(out, EarlyAnswers.initialize(r.id(), r.protocol(), serverName, version));
          answered = rawId(r.id());
          initializeAnswered.complete(null);
          passOn.write(bytes);
          // read while the client takes its turn: tools/list usually follows
          tools = EarlyAnswers.builtTools();
        } else if ("notifications/initialized".equals(method) && r.id() == null) {
          passOn.write(bytes);
        } else if ("tools/list".equals(method) && r.id() != null && answered != null) {
          StartupTrace.mark("early reader: tools/list read");
          write(out, EarlyAnswers.toolsList(r.id(), tools));
          StartupTrace.mark("early reader: tools/list answered");
          break;
        } else {
          passOn.write(bytes);
          break;
        }
        if (eof) {
          break;
        }
      }
      result.complete(new Result(passOn.toByteArray(), eof, answered));
    } catch (IOException | RuntimeException ex) {
      result.complete(new Result(passOn.toByteArray(), true, answered));
    } finally {
      initializeAnswered.complete(null);
    }
  }

  /** Reads one line (with its newline) into {@code line}; false at the end of input. */
  private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
    int b;
    while ((b = in.read()) != -1) {
      line.write(b);
      if (b == '\n' || line.size() > MAX_LINE) {
        return true;
      }
    }
    return false;
  }

  private static void write(OutputStream out, byte[] answer) throws IOException {
    synchronized (out) {
      out.write(answer);
      out.flush();
    }
    StartupTrace.firstResponse();
  }

  /** Completes once {@code initialize} has been answered, or the early reading has ended. */
  public CompletableFuture<Void> initializeAnswered() {
    return initializeAnswered;
  }

  /** The lines and what was answered; completes when the early reading has ended. */
  public CompletableFuture<Result> result() {
    return result;
  }

  /** Stdin for the transport: the passed-on lines followed by the rest of {@code in}. */
  public static InputStream replay(Result r, InputStream in) {
    return new SequenceInputStream(new ByteArrayInputStream(r.firstLine()), in);
  }

  /**
   * {id as raw JSON, requested protocol version or null} when {@code line} is an {@code initialize}
   * request; null otherwise (including anything the parser finds odd).
   */
  static String[] parseInitialize(byte[] line) {
    Request r = parse(line);
    return r != null && "initialize".equals(r.method()) && r.id() != null
        ? new String[] {rawId(r.id()), r.protocol()}
        : null;
  }

  /** The request's method, id and requested protocol version; null for anything odd. */
  static Request parse(byte[] line) {
    EarlyAnswers.Id id = null;
    String method = null;
    String protocol = null;
    try (JsonParser p = EarlyAnswers.FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "id":
            if (v == JsonToken.VALUE_NUMBER_INT) {
              id = new EarlyAnswers.Id(true, p.getText());
            } else if (v == JsonToken.VALUE_STRING) {
              id = new EarlyAnswers.Id(false, p.getText());
            } else {
              return null;
            }
            break;
          case "method":
            method = v == JsonToken.VALUE_STRING ? p.getText() : null;
            break;
          case "params":
            if (v != JsonToken.START_OBJECT) {
              return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String pf = p.currentName();
              JsonToken pv = p.nextToken();
              if (pf.equals("protocolVersion") && pv == JsonToken.VALUE_STRING) {
                protocol = p.getText();
              } else {
                p.skipChildren();
              }
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return method == null ? null : new Request(method, id, protocol);
  }

  /** The {@code initialize} answer for a raw JSON id (a number's text or a quoted string). */
  static String response(String rawId, String requested, String serverName, String version) {
    try (JsonParser p = EarlyAnswers.FACTORY.createParser(rawId)) {
      boolean number = p.nextToken() == JsonToken.VALUE_NUMBER_INT;
      EarlyAnswers.Id id = new EarlyAnswers.Id(number, p.getText());
      return new String(
          EarlyAnswers.initialize(id, requested, serverName, version), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rawId(EarlyAnswers.Id id) {
    return id.number() ? id.text() : quote(id.text());
  }

  /** {@code s} as a JSON string literal (Jackson's escaping). */
  static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
