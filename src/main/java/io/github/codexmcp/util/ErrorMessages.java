package io.github.codexmcp.util;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Normalises any failure into the single-line {@code Error [CODE]: message} form. */
public final class ErrorMessages {
  public static final String EFFORT_WEB_SEARCH_MESSAGE =
      "Error [INVALID_ARGUMENT]: effort=minimal is incompatible with the Codex web_search tool in"
          + " this CLI build. Use effort=low or higher, or let codex-mcp auto-upgrade it.";
  private static final Pattern CODED =
      Pattern.compile("^Error \\[([A-Z_]+)\\]:[ \\t\\x0B\\f\\r]*(.*)$");

  private ErrorMessages() {}

  /** Message of a throwable, unwrapping completion wrappers. */
  public static String messageOf(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof java.util.concurrent.CompletionException
            || cur instanceof java.util.concurrent.ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    String m = cur.getMessage();
    return m != null ? m : cur.toString();
  }

  /** True when the message reports the minimal-effort / web_search incompatibility. */
  public static boolean isMinimalEffortWebSearch(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("minimal")
        && (m.contains("web_search") || m.contains("web search"))
        && (m.contains("effort")
            || m.contains("reasoning_effort")
            || m.contains("reasoning effort"));
  }

  /** The contract's formatting of an escaped failure (single line, paths redacted for INTERNAL). */
  public static String format(Throwable t) {
    return format(messageOf(t));
  }

  /** As {@link #format(Throwable)} for a bare message. */
  public static String format(String message) {
    if (isMinimalEffortWebSearch(message)) {
      return EFFORT_WEB_SEARCH_MESSAGE;
    }
    if (message.indexOf('\n') < 0) {
      Matcher m = CODED.matcher(message);
      if (m.matches()) {
        if ("INTERNAL".equals(m.group(1))) {
          return "Error [INTERNAL]: " + Redactor.redactPaths(m.group(2));
        }
        return message;
      }
    }
    return "Error [INTERNAL]: " + Redactor.redactPaths(message);
  }
}
