package io.github.codexmcp.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class NoiseFilterTest {

  @Test
  void keepsCleanOutputIncludingTrailingNewline() {
    String s = "abc\n";
    assertSame(s, NoiseFilter.filter(s));
    assertEquals("a\nb", NoiseFilter.filter("a\nb"));
  }

  @Test
  void dropsOhMyPoshCaseInsensitively() {
    assertEquals("real\nmore", NoiseFilter.filter("real\nOh-My-Posh loaded\nmore"));
  }

  @Test
  void dropsEveryNoiseKind() {
    String[] noise = {
      "\u001b]633;A prompt start",
      "x \u001b]633;P;Cwd=C:\\",
      "Import PSReadLine failed",
      "Set-PSReadLineOption: bad",
      "WARNING: something",
      "Loading personal and system profiles took 812ms.",
      "(base) user@host",
      "(conda) env",
      "A new version of PowerShell is available",
    };
    for (String n : noise) {
      assertEquals("keep", NoiseFilter.filter(n + "\nkeep"), n);
    }
  }

  @Test
  void anchoredPatternsOnlyMatchAtLineStart() {
    String s = "see WARNING: x\nmy (base) y";
    assertSame(s, NoiseFilter.filter(s));
    assertSame("warning: lower", NoiseFilter.filter("warning: lower"));
  }

  @Test
  void allNoiseYieldsEmpty() {
    assertEquals("", NoiseFilter.filter("oh-my-posh init\nWARNING: x"));
    assertEquals("", NoiseFilter.filter("oh-my-posh"));
  }

  @Test
  void emptyStaysEmpty() {
    assertEquals("", NoiseFilter.filter(""));
  }

  @Test
  void keepsEmptySegmentsAroundDroppedLines() {
    assertEquals("a\n\nb\n", NoiseFilter.filter("a\n\noh-my-posh\nb\n"));
    assertEquals("\nb", NoiseFilter.filter("oh-my-posh\n\nb"));
  }
}
