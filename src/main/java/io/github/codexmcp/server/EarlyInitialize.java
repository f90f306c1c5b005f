package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers the client's {@code initialize} before the MCP SDK, Reactor and Jackson data binding are
 * loaded, which is most of a cold JVM's start-up. Only the streaming JSON parser is used.
 *
 * <p>The first line of stdin is read on a thread of its own. When it is an {@code initialize}
 * request the answer the SDK would give (same protocol-version negotiation, same capabilities, same
 * server info) is written at once; the line is still handed to the SDK, which takes the session
 * through its normal initialisation, and the transport drops the SDK's own (identical) answer to
 * that id. Any other first line, or one this parser cannot read, is simply passed on.
 *
 * <p>Must be started only after every check that could refuse to start the server, so that a
 * misconfigured server still writes nothing to stdout.
 */
public final class EarlyInitialize {
  /** Protocol versions the SDK's stdio server offers, oldest first (the last is the default). */
  static final List<String> PROTOCOL_VERSIONS =
      List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

  private static final int MAX_FIRST_LINE = 1 << 20;
  private final CompletableFuture<Result> result = new CompletableFuture<>();

  /** What the early reader consumed, and the id it answered (null when it answered nothing). */
  public record Result(byte[] firstLine, boolean endOfInput, String answeredId) {}

  private EarlyInitialize() {}

  /**
   * Starts reading the first line from {@code in} on a daemon thread; an {@code initialize} is
   * answered on {@code out} under {@code out}'s monitor (the transport's write lock).
   */
  public static EarlyInitialize start(
      InputStream in, OutputStream out, String serverName, String version) {
    EarlyInitialize e = new EarlyInitialize();
    Thread t = new Thread(() -> e.run(in, out, serverName, version), "stdio-first-line");
    t.setDaemon(true);
    t.start();
    return e;
  }

  private void run(InputStream in, OutputStream out, String serverName, String version) {
    try {
      ByteArrayOutputStream line = new ByteArrayOutputStream(512);
      int b;
      boolean eof = true;
      while ((b = in.read()) != -1) {
        line.write(b);
        if (b == '\n') {
          eof = false;
          break;
        }
        if (line.size() > MAX_FIRST_LINE) {
          eof = false;
          break;
        }
      }
      byte[] bytes = line.toByteArray();
      String answered = null;
      if (!eof || bytes.length > 0) {
        String[] request = parseInitialize(bytes);
        if (request != null) {
          byte[] response =
              response(request[0], request[1], serverName, version)
                  .getBytes(StandardCharsets.UTF_8);
          synchronized (out) {
            out.write(response);
            out.flush();
          }
          answered = request[0];
        }
      }
      result.complete(new Result(bytes, eof, answered));
    } catch (IOException | RuntimeException ex) {
      result.complete(new Result(new byte[0], true, null));
    }
  }

  /** The first line and what was answered; waits for the first line to arrive. */
  public CompletableFuture<Result> result() {
    return result;
  }

  /** Stdin for the transport: the consumed first line followed by the rest of {@code in}. */
  public static InputStream replay(Result r, InputStream in) {
    return new SequenceInputStream(new ByteArrayInputStream(r.firstLine()), in);
  }

  /**
   * {id as raw JSON, requested protocol version or null} when {@code line} is an {@code initialize}
   * request; null otherwise (including anything the parser finds odd).
   */
  static String[] parseInitialize(byte[] line) {
    String id = null;
    String method = null;
    String protocol = null;
    try (JsonParser p = new JsonFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "id":
            if (v == JsonToken.VALUE_NUMBER_INT) {
              id = p.getText();
            } else if (v == JsonToken.VALUE_STRING) {
              id = quote(p.getText());
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
    return "initialize".equals(method) && id != null ? new String[] {id, protocol} : null;
  }

  /**
   * The answer the SDK gives to {@code initialize} with this server's capabilities, title and
   * instructions ({@link ServerIdentity}), written with Jackson's streaming generator (no data
   * binding is loaded yet).
   */
  static String response(String rawId, String requested, String serverName, String version) {
    String protocol =
        requested != null && PROTOCOL_VERSIONS.contains(requested)
            ? requested
            : PROTOCOL_VERSIONS.get(PROTOCOL_VERSIONS.size() - 1);
    StringWriter text = new StringWriter(2048);
    try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("jsonrpc", "2.0");
      g.writeFieldName("id");
      g.writeRawValue(rawId);
      g.writeObjectFieldStart("result");
      g.writeStringField("protocolVersion", protocol);
      g.writeObjectFieldStart("capabilities");
      g.writeObjectFieldStart("logging");
      g.writeEndObject();
      g.writeObjectFieldStart("resources");
      g.writeBooleanField("subscribe", false);
      g.writeBooleanField("listChanged", true);
      g.writeEndObject();
      g.writeObjectFieldStart("tools");
      g.writeBooleanField("listChanged", true);
      g.writeEndObject();
      g.writeEndObject();
      g.writeObjectFieldStart("serverInfo");
      g.writeStringField("name", serverName);
      g.writeStringField("title", ServerIdentity.TITLE);
      g.writeStringField("version", version);
      g.writeEndObject();
      g.writeStringField("instructions", ServerIdentity.instructions());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.append('\n').toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
