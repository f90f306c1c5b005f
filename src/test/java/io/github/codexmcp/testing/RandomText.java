package io.github.codexmcp.testing;

import java.util.Random;

/** Random strings for differential tests of JSON readers and writers. */
public final class RandomText {
  private RandomText() {}

  /**
   * Up to {@code max - 1} characters drawn from {@code alphabet}; a surrogate pair in the alphabet
   * is drawn whole (from its high half), so the text never holds a lone surrogate.
   */
  public static String of(Random r, String alphabet, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max);
    for (int i = 0; i < n; i++) {
      int at = r.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        sb.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
