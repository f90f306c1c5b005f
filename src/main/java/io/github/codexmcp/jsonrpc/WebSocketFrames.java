package io.github.codexmcp.jsonrpc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The framing layer of RFC 6455 WebSocket: frame encoding and decoding for both roles, and the
 * opening handshake's key and accept values. Stateless; safe from any thread.
 *
 * <p>Payloads over {@code maxPayload} bytes are refused with a {@link ProtocolException} before
 * anything is allocated; reserved bits and unknown opcodes are protocol errors too.
 */
final class WebSocketFrames {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebSocketFrames() {}

  /** A decoded frame; {@code payload} is unmasked. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    boolean isControl() {
      return (opcode & 0x8) != 0;
    }
  }

  /** The peer broke the protocol; the connection cannot go on. */
  static final class ProtocolException extends IOException {
    ProtocolException(String message) {
      super(message);
    }
  }

  /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
  static String newKey() {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
  static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
  }

  /**
   * Writes one final frame (no flush). Clients must mask ({@code masked} true), servers must not.
   */
  static void write(OutputStream out, int opcode, byte[] payload, boolean masked)
      throws IOException {
    int len = payload.length;
    byte[] header = new byte[14];
    int n = 0;
    header[n++] = (byte) (0x80 | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (len < 126) {
      header[n++] = (byte) (maskBit | len);
    } else if (len <= 0xFFFF) {
      header[n++] = (byte) (maskBit | 126);
      header[n++] = (byte) (len >>> 8);
      header[n++] = (byte) len;
    } else {
      header[n++] = (byte) (maskBit | 127);
      long l = len;
      for (int shift = 56; shift >= 0; shift -= 8) {
        header[n++] = (byte) (l >>> shift);
      }
    }
    if (!masked) {
      out.write(header, 0, n);
      out.write(payload);
      return;
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    System.arraycopy(mask, 0, header, n, 4);
    n += 4;
    byte[] body = new byte[len];
    for (int i = 0; i < len; i++) {
      body[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    out.write(header, 0, n);
    out.write(body);
  }

  /**
   * Reads one frame, or returns null at a clean end of stream before its first byte. A stream
   * ending inside a frame is an {@link EOFException}.
   */
  static Frame read(InputStream in, long maxPayload) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    int b1 = readByte(in);
    if ((b0 & 0x70) != 0) {
      throw new ProtocolException("reserved bits set in a frame header");
    }
    int opcode = b0 & 0x0F;
    boolean known =
        opcode <= OP_BINARY || opcode == OP_CLOSE || opcode == OP_PING || opcode == OP_PONG;
    if (!known) {
      throw new ProtocolException("unknown opcode " + opcode);
    }
    boolean fin = (b0 & 0x80) != 0;
    boolean masked = (b1 & 0x80) != 0;
    long len = b1 & 0x7F;
    if (len == 126) {
      len = ((long) readByte(in) << 8) | readByte(in);
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | readByte(in);
      }
      if (len < 0) {
        throw new ProtocolException("negative frame length");
      }
    }
    if ((opcode & 0x8) != 0 && (len > 125 || !fin)) {
      throw new ProtocolException("control frame fragmented or longer than 125 bytes");
    }
    if (len > maxPayload) {
      throw new ProtocolException("frame of " + len + " bytes exceeds the limit of " + maxPayload);
    }
    byte[] mask = masked ? readFully(in, 4) : null;
    byte[] payload = readFully(in, (int) len);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame(fin, opcode, payload);
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("stream ended inside a WebSocket frame");
    }
    return b;
  }

  private static byte[] readFully(InputStream in, int len) throws IOException {
    byte[] buf = in.readNBytes(len);
    if (buf.length != len) {
      throw new EOFException("stream ended inside a WebSocket frame");
    }
    return buf;
  }
}
