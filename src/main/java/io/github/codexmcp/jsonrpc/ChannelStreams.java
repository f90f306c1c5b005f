package io.github.codexmcp.jsonrpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The two directions of a {@link UnixWebSocket}'s channel as streams, each going straight to the
 * channel: the channel's read and write paths are independent, where the streams of {@link
 * java.nio.channels.Channels} share one lock (a write would wait for a pending read). No state
 * beyond what each constructor is given.
 */
final class ChannelStreams {
  private ChannelStreams() {}

  /**
   * Reads straight from the channel (no stream lock shared with the writer); the reads of a hot
   * stream are spaced by {@code coalescing} (null: never). Reader thread only.
   */
  static final class Input extends InputStream {
    private final SocketChannel ch;
    private final ReadCoalescing coalescing;

    Input(SocketChannel ch, ReadCoalescing coalescing) {
      this.ch = ch;
      this.coalescing = coalescing;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (coalescing != null) {
        coalescing.beforeRead();
      }
      int n;
      do {
        n = ch.read(ByteBuffer.wrap(b, off, len));
      } while (n == 0);
      if (coalescing != null) {
        coalescing.afterRead(n == len);
      }
      return n;
    }
  }

  /** Writes straight to the channel, looping until every byte is out. */
  static final class Output extends OutputStream {
    private final SocketChannel ch;

    Output(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
  }
}
