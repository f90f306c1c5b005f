package io.github.codexmcp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server as a child process driven over raw stdio: every stdout line is collected (to
 * check that only JSON-RPC appears) and stderr is kept for diagnostics.
 */
final class ServerProcess implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final Process process;
  final List<String> stdoutLines = Collections.synchronizedList(new ArrayList<>());
  final StringBuffer stderr = new StringBuffer();
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final OutputStream stdin;
  private final Object readGate = new Object();
  private boolean readingPaused; // guarded by readGate
  private final Thread stderrReader;

  private ServerProcess(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread out =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = nextLine(r)) != null) {
                  stdoutLines.add(line);
                  try {
                    messages.add(JSON.readTree(line));
                  } catch (IOException e) {
                    messages.add(JSON.createObjectNode().put("__unparsable", line));
                  }
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "server-stdout");
    out.setDaemon(true);
    out.start();
    Thread err =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  stderr.append(line).append('\n');
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "server-stderr");
    err.setDaemon(true);
    err.start();
    this.stderrReader = err;
  }

  /**
   * Everything the server wrote on stderr, once it has exited: waits (at most 10 s, since a process
   * the server started may still hold the pipe) for the reader to reach the end of the pipe.
   */
  String stderrAtExit() throws InterruptedException {
    process.waitFor();
    stderrReader.join(10_000);
    return stderr.toString();
  }

  /** The next stdout line, once reading is not paused (a client that stopped reading). */
  private String nextLine(BufferedReader r) throws IOException {
    synchronized (readGate) {
      while (readingPaused) {
        try {
          readGate.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    return r.readLine();
  }

  /**
   * Stops or resumes reading the server's stdout: while paused, nothing more is taken from the pipe
   * (at most the line being read completes), so the server's writes soon block.
   */
  void pauseReading(boolean paused) {
    synchronized (readGate) {
      readingPaused = paused;
      readGate.notifyAll();
    }
  }

  static Path jar() {
    return Path.of(System.getProperty("codexmcp.jar", "target/codex-mcp.jar")).toAbsolutePath();
  }

  static List<String> command(String... extraJvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Collections.addAll(cmd, extraJvmArgs);
    cmd.add("-jar");
    cmd.add(jar().toString());
    return cmd;
  }

  static ServerProcess start(Map<String, String> env, Path cwd) throws IOException {
    return start(command(), env, cwd);
  }

  static ServerProcess start(List<String> command, Map<String, String> env, Path cwd)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    // The life-cycle messages some tests look for are logged at info (the default is warn).
    pb.environment().put("CODEX_MCP_LOG_LEVEL", "info");
    // A null value removes the variable.
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    return new ServerProcess(pb.start());
  }

  /** Writes raw bytes as one line (for input that is not valid UTF-8). */
  void sendBytes(byte[] line) throws IOException {
    stdin.write(line);
    stdin.write('\n');
    stdin.flush();
  }

  void sendLine(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  void send(JsonNode message) throws IOException {
    sendLine(JSON.writeValueAsString(message));
  }

  /** Next message from the server, or fails after {@code timeout}. */
  JsonNode next(Duration timeout) throws InterruptedException {
    JsonNode m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError(
          "no message from the server within " + timeout + "; stderr:\n" + stderr);
    }
    return m;
  }

  /** Next response with the given id (skipping notifications). */
  JsonNode response(Object id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode m = next(Duration.ofNanos(Math.max(1, left)));
      if (m.has("id") && m.get("id").asText().equals(String.valueOf(id))) {
        return m;
      }
    }
  }

  void closeStdin() throws IOException {
    stdin.close();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
