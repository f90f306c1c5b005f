package io.github.codexmcp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the server says about itself in the {@code initialize} answer: name, human-readable title
 * and the instructions a client may put into its model's context (kept under {@value
 * #MAX_INSTRUCTION_BYTES} bytes, the cap clients apply).
 */
public final class ServerIdentity {
  /** The server's {@code serverInfo.name}. */
  public static final String NAME = "codex-mcp";

  /** The server's {@code serverInfo.title}. */
  public static final String TITLE = "Codex MCP: background Codex coding agents";

  /** Clients cut longer instructions. */
  static final int MAX_INSTRUCTION_BYTES = 2048;

  private static final String RESOURCE = "/server/instructions.md";

  private ServerIdentity() {}

  /** The instructions text (read from the jar each call; start-up reads it once). */
  public static String instructions() {
    try (InputStream in = ServerIdentity.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
