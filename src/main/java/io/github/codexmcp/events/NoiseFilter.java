package io.github.codexmcp.events;

import java.util.regex.Pattern;

/**
 * Drops shell/profile noise lines from command output deltas (spec 30 §4.1).
 *
 * <p>The delta is split on {@code \n} (keeping a trailing empty segment), lines that look like
 * Windows terminal integration, PowerShell/oh-my-posh profile chatter, conda prompts or update
 * banners are dropped, and the rest is joined with {@code \n} again.
 */
public final class NoiseFilter {
  private static final Pattern NOISE =
      Pattern.compile(
          "\u001b\\]633;"
              + "|(?i:oh-my-posh|PSReadLine|Set-PSReadLineOption"
              + "|Loading personal and system profiles|A new version of .+ is available)"
              + "|^WARNING:(?U:\\s)"
              + "|^(?:\\(base\\)|\\(conda\\))");

  private NoiseFilter() {}

  /**
   * Returns the delta without noise lines; the same instance when nothing was dropped, and {@code
   * ""} when no line remains (which the caller turns into "no event"). An empty delta stays empty.
   */
  public static String filter(String delta) {
    if (delta.isEmpty()) {
      return delta;
    }
    String[] lines = delta.split("\n", -1);
    StringBuilder out = null;
    int kept = 0;
    for (int i = 0; i < lines.length; i++) {
      boolean noise = NOISE.matcher(lines[i]).find();
      if (noise && out == null) {
        // First drop: copy the lines kept so far.
        out = new StringBuilder(delta.length());
        for (int j = 0; j < i; j++) {
          if (j > 0) {
            out.append('\n');
          }
          out.append(lines[j]);
        }
      }
      if (!noise) {
        if (out != null) {
          if (kept > 0) {
            out.append('\n');
          }
          out.append(lines[i]);
        }
        kept++;
      }
    }
    if (out == null) {
      return delta;
    }
    return kept == 0 ? "" : out.toString();
  }
}
