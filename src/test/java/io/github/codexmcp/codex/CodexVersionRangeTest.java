package io.github.codexmcp.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.codex.CodexVersionRange.Position;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The tested Codex range built into the jar and the warnings outside it. */
class CodexVersionRangeTest {
  private static final Pattern PIN =
      Pattern.compile("<codex\\.cli\\.version>([^<]+)</codex\\.cli\\.version>");
  private final CodexVersionRange range = new CodexVersionRange("0.169.0", "0.171.0");

  @Test
  void bundledRangeIsTheOneThisBuildWasTestedWith() throws Exception {
    CodexVersionRange bundled = CodexVersionRange.bundled();
    assertEquals(new CodexVersionRange("0.169.0", "0.171.0"), bundled);
    // the pinned version of the end-to-end tests (pom codex.cli.version) lies inside it
    Matcher m = PIN.matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(m.find(), "no codex.cli.version in pom.xml");
    assertEquals(Position.INSIDE, bundled.position(m.group(1)), m.group(1));
  }

  @Test
  void positions() {
    assertEquals(Position.BELOW, range.position("0.106.0"));
    assertEquals(Position.BELOW, range.position("0.168.9"));
    assertEquals(Position.INSIDE, range.position("0.169.0"));
    assertEquals(Position.INSIDE, range.position("0.170.0"));
    assertEquals(Position.INSIDE, range.position("v0.171.0"));
    assertEquals(Position.ABOVE, range.position("0.171.1"));
    assertEquals(Position.ABOVE, range.position("0.172.0-alpha.3"));
    assertEquals(Position.ABOVE, range.position("1.0.0"));
    assertEquals(Position.UNKNOWN, range.position("nightly"));
    assertEquals(Position.UNKNOWN, range.position(null));
  }

  @Test
  void olderVersionWarnsAboutTheForkDuplicationAndSaysToUpgrade() {
    CodexVersionRange.Mismatch m = range.check("0.106.0").orElseThrow();
    assertEquals("older-than-tested", m.kind());
    assertEquals("0.106.0", m.detected());
    assertEquals(
        "Codex CLI 0.106.0 is older than the versions codex-mcp was tested with (0.169.0 to"
            + " 0.171.0); older releases speak an older app-server protocol (0.106 repeats the"
            + " start-up context in forked sessions). Upgrade Codex to 0.171.0 or later.",
        m.message());
  }

  @Test
  void newerVersionWarns() {
    CodexVersionRange.Mismatch m = range.check("0.172.0").orElseThrow();
    assertEquals("newer-than-tested", m.kind());
    assertTrue(m.message().startsWith("Codex CLI 0.172.0 is newer than"), m.message());
  }

  @Test
  void testedOrUndetectedVersionsGiveNoMismatch() {
    assertEquals(Optional.empty(), range.check("0.169.0"));
    assertEquals(Optional.empty(), range.check("0.171.0"));
    assertEquals(Optional.empty(), range.check(null));
    assertEquals("unparsable-version", range.check("dev").orElseThrow().kind());
  }

  @Test
  void aBrokenRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new CodexVersionRange("x", "0.171.0"));
  }
}
