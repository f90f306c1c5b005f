package io.github.codexmcp.bootstrap;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The server's diagnostic channel, set up once at the very start of {@code main} (main thread,
 * before any other thread exists): stderr as UTF-8 whatever the locale the client passes (without
 * {@code LANG} a JVM would encode it as ASCII and print {@code ?} for every other character), and
 * the log level from {@code CODEX_MCP_LOG_LEVEL}.
 *
 * <p>The default level is {@code warn}: the server writes one line when it starts and then only
 * warnings and errors (some clients file every stderr line as an error). {@code info} adds the
 * server's life-cycle messages, {@code debug} its details, {@code error} leaves only errors.
 */
final class Stderr {
  static final String LEVEL_VARIABLE = "CODEX_MCP_LOG_LEVEL";
  static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
  static final String DEFAULT_LEVEL = "warn";

  private Stderr() {}

  /** Replaces {@code System.err} (and {@code System.out}, which must never reach the client). */
  static void install() {
    PrintStream err =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 8192),
            true,
            StandardCharsets.UTF_8);
    System.setErr(err);
    System.setOut(err);
  }

  /**
   * Sets the logging back end's default level from {@code raw} (the variable's value, may be null)
   * before any logger exists; returns a warning for a value it does not know, else null.
   */
  static String configureLevel(String raw) {
    String level = DEFAULT_LEVEL;
    String warning = null;
    if (raw != null && !raw.isBlank()) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (LEVELS.contains(v)) {
        level = v;
      } else {
        warning =
            "[codex-mcp] "
                + LEVEL_VARIABLE
                + "='"
                + raw
                + "' is not one of "
                + String.join(", ", LEVELS)
                + "; using "
                + DEFAULT_LEVEL;
      }
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    return warning;
  }
}
