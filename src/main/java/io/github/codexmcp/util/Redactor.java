package io.github.codexmcp.util;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces filesystem paths in user-visible error text with {@code <path>}. */
public final class Redactor {
  private static final Pattern UNC = Pattern.compile("(^|[\\s'\"(])\\\\\\\\[^\\s\\\\]+\\\\[^\\s]*");
  private static final Pattern DRIVE = Pattern.compile("\\b[A-Za-z]:\\\\[^\\s:]*");
  private static final Pattern POSIX =
      Pattern.compile("(^|[\\s'\"(])/[^\\s:'\")]+/[^\\s:'\")]+(?:/[^\\s:'\")]*)*");

  private Redactor() {}

  /** Redacts UNC, drive-letter and multi-segment POSIX paths, in that order. */
  public static String redactPaths(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = UNC.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "<path>"));
    out = DRIVE.matcher(out).replaceAll("<path>");
    out = POSIX.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "<path>"));
    return out;
  }
}
