package io.github.codexmcp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorFormattingTest {
  @Test
  void redactsWindowsPosixAndUncPaths() {
    assertEquals(
        "failed at <path>",
        Redactor.redactPaths("failed at C:\\Users\\alice\\repo\\src\\index.ts"));
    assertEquals(
        "open \"<path>\" failed",
        Redactor.redactPaths("open \"/home/alice/repo/src/index.ts\" failed"));
    assertEquals(
        "cannot access <path>",
        Redactor.redactPaths("cannot access \\\\server\\share\\repo\\src\\index.ts"));
    assertEquals("copy to /tmp now", Redactor.redactPaths("copy to /tmp now"));
    assertEquals("a <path> b (<path> c", Redactor.redactPaths("a /x/y b (/p/q/r c"));
  }

  @Test
  void formatsCodedAndUncodedMessages() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: x", ErrorMessages.format("Error [INVALID_ARGUMENT]: x"));
    assertEquals(
        "Error [INTERNAL]: failed at <path>",
        ErrorMessages.format("Error [INTERNAL]: failed at /home/u/x/y"));
    assertEquals("Error [INTERNAL]: boom", ErrorMessages.format("boom"));
    assertEquals(
        ErrorMessages.EFFORT_WEB_SEARCH_MESSAGE,
        ErrorMessages.format("reasoning effort minimal is not supported with web_search"));
    assertEquals(
        "Error [INTERNAL]: Error [SESSION_BUSY]: a\nb",
        ErrorMessages.format("Error [SESSION_BUSY]: a\nb"));
  }
}
