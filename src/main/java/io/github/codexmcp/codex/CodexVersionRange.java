package io.github.codexmcp.codex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Codex CLI versions this build was tested with, read from the jar's {@value #RESOURCE}, and
 * the warning for a detected version outside them.
 *
 * <p>Immutable; safe from any thread.
 *
 * @param minimum the oldest tested release, e.g. {@code 0.169.0}
 * @param newestTested the newest tested release, e.g. {@code 0.171.0}
 */
public record CodexVersionRange(String minimum, String newestTested) {
  /** Classpath resource holding {@code minimum} and {@code newestTested}. */
  public static final String RESOURCE = "/codex-versions.properties";

  private static final Pattern NUMBERS = Pattern.compile("^v?(\\d+)\\.(\\d+)\\.(\\d+)");

  /** Where a detected version lies relative to the tested range. */
  public enum Position {
    BELOW,
    INSIDE,
    ABOVE,
    UNKNOWN
  }

  /**
   * A detected version outside the tested range.
   *
   * @param kind {@code older-than-tested}, {@code newer-than-tested} or {@code unparsable-version}
   * @param detected the version reported by {@code codex --version}
   * @param message one sentence for a user, with what to do
   */
  public record Mismatch(String kind, String detected, String message) {}

  public CodexVersionRange {
    if (parse(minimum) == null || parse(newestTested) == null) {
      throw new IllegalArgumentException("bad tested range: " + minimum + " – " + newestTested);
    }
  }

  /** The range built into this jar. */
  public static CodexVersionRange bundled() {
    Properties p = new Properties();
    try (InputStream in = CodexVersionRange.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CodexVersionRange(p.getProperty("minimum"), p.getProperty("newestTested"));
  }

  /** Where {@code version} lies; {@link Position#UNKNOWN} when it is not {@code x.y.z…}. */
  public Position position(String version) {
    int[] v = parse(version);
    if (v == null) {
      return Position.UNKNOWN;
    }
    if (compare(v, parse(minimum)) < 0) {
      return Position.BELOW;
    }
    return compare(v, parse(newestTested)) > 0 ? Position.ABOVE : Position.INSIDE;
  }

  /** The mismatch for a detected version, empty when it is tested or was not detected (null). */
  public Optional<Mismatch> check(String detected) {
    if (detected == null) {
      return Optional.empty();
    }
    String range = minimum + " to " + newestTested;
    switch (position(detected)) {
      case BELOW:
        return Optional.of(
            new Mismatch(
                "older-than-tested",
                detected,
                "Codex CLI "
                    + detected
                    + " is older than the versions codex-mcp was tested with ("
                    + range
                    + "); older releases speak an older app-server protocol (0.106 repeats the"
                    + " start-up context in forked sessions). Upgrade Codex to "
                    + newestTested
                    + " or later."));
      case ABOVE:
        return Optional.of(
            new Mismatch(
                "newer-than-tested",
                detected,
                "Codex CLI "
                    + detected
                    + " is newer than the versions codex-mcp was tested with ("
                    + range
                    + "); it usually works, but if something fails, try "
                    + newestTested
                    + " and report the difference."));
      case UNKNOWN:
        return Optional.of(
            new Mismatch(
                "unparsable-version",
                detected,
                "Codex CLI version '"
                    + detected
                    + "' cannot be compared with the tested versions ("
                    + range
                    + ")."));
      default:
        return Optional.empty();
    }
  }

  private static int[] parse(String version) {
    if (version == null) {
      return null;
    }
    Matcher m = NUMBERS.matcher(version.trim());
    if (!m.find()) {
      return null;
    }
    try {
      return new int[] {
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int compare(int[] a, int[] b) {
    for (int i = 0; i < 3; i++) {
      if (a[i] != b[i]) {
        return Integer.compare(a[i], b[i]);
      }
    }
    return 0;
  }
}
