package io.github.codexmcp.testing.appserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * An in-memory pipe that, unlike {@link java.io.PipedInputStream}, does not care which threads
 * write or whether they are still alive. Closing the sink gives the reader end of stream; closing
 * the source makes later writes fail like a broken pipe. Writes never block.
 */
public final class BytePipe {
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private byte[] current;
  private int offset;
  private boolean sinkClosed;
  private boolean sourceClosed;
  private IOException writeFailure;

  private final OutputStream sink =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          synchronized (BytePipe.this) {
            if (writeFailure != null) {
              throw writeFailure;
            }
            if (sinkClosed) {
              throw new IOException("Stream closed");
            }
            if (sourceClosed) {
              throw new IOException("Broken pipe");
            }
            if (len > 0) {
              byte[] copy = new byte[len];
              System.arraycopy(b, off, copy, 0, len);
              chunks.addLast(copy);
              BytePipe.this.notifyAll();
            }
          }
        }

        @Override
        public void close() {
          synchronized (BytePipe.this) {
            sinkClosed = true;
            BytePipe.this.notifyAll();
          }
        }
      };

  private final InputStream source =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          synchronized (BytePipe.this) {
            while (true) {
              if (sourceClosed) {
                throw new IOException("Stream closed");
              }
              if (current == null || offset == current.length) {
                current = chunks.pollFirst();
                offset = 0;
              }
              if (current != null) {
                int n = Math.min(len, current.length - offset);
                System.arraycopy(current, offset, b, off, n);
                offset += n;
                return n;
              }
              if (sinkClosed) {
                return -1;
              }
              try {
                BytePipe.this.wait();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
              }
            }
          }
        }

        @Override
        public void close() {
          synchronized (BytePipe.this) {
            sourceClosed = true;
            BytePipe.this.notifyAll();
          }
        }
      };

  /** The writing end. */
  public OutputStream sink() {
    return sink;
  }

  /** The reading end; each read returns at most one written chunk (chunk boundaries survive). */
  public InputStream source() {
    return source;
  }

  /** Makes every later write fail with {@code failure}. */
  public synchronized void failWrites(IOException failure) {
    writeFailure = failure;
  }

  /** Whether the writing end was closed. */
  public synchronized boolean isSinkClosed() {
    return sinkClosed;
  }
}
