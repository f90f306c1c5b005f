package io.github.codexmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the launchers without running them: the Windows one cannot run on the
 * build machine, so its rules are checked as text (the POSIX one runs in {@code LauncherIT}).
 */
class LauncherScriptsTest {
  private static final Path BIN = Path.of("src/dist/bin");

  private static String read(String name) throws IOException {
    return Files.readString(BIN.resolve(name), StandardCharsets.UTF_8);
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), regex);
    return m.group(1);
  }

  @Test
  void bothLaunchersStartTheJvmWithTheSameOptions() throws IOException {
    String posix = group(read("codex-mcp"), "^opts=\"([^\"]*)\"$");
    String windows = group(read("codex-mcp.cmd"), "^set \"OPTS=([^\"]*)\"\\s*$");
    assertEquals(posix, windows);
    assertTrue(posix.contains("-Xlog:disable -Xlog:all=warning:stderr"), "JVM warnings off stdout");
  }

  /** stdout carries the protocol: every message of the Windows launcher goes to stderr. */
  @Test
  void theWindowsLauncherWritesNothingOnStdout() throws IOException {
    List<String> onStdout = new ArrayList<>();
    for (String line : read("codex-mcp.cmd").split("\r?\n")) {
      String l = line.strip();
      if (l.matches("(?i)(@?echo off|rem\\b.*|::.*)") || l.isEmpty()) {
        continue;
      }
      if (l.matches("(?i).*\\becho\\b.*") && !l.endsWith("1>&2")) {
        onStdout.add(l);
      }
      if (l.matches("(?i)^start\\b.*") && !l.endsWith("<nul >nul 2>&1")) {
        onStdout.add(l);
      }
    }
    assertEquals(List.of(), onStdout);
  }

  /** Every way out of the Windows launcher has an exit status: the JVM's, or 1 with a message. */
  @Test
  void theWindowsLauncherExitsWithTheJvmsStatusOrOne() throws IOException {
    String cmd = read("codex-mcp.cmd");
    assertTrue(
        Pattern.compile(
                "^\"%JAVA%\" %OPTS% %CDS% %CODEX_MCP_JAVA_OPTS% -jar \"%JAR%\" %\\*\\R"
                    + "exit /b %ERRORLEVEL%$",
                Pattern.MULTILINE)
            .matcher(cmd)
            .find(),
        "the JVM's exit status is the launcher's");
    Matcher labels = Pattern.compile("^:(\\w+)\\R(.*)\\R(.*)$", Pattern.MULTILINE).matcher(cmd);
    List<String> errors = new ArrayList<>();
    while (labels.find()) {
      if (labels.group(1).startsWith("no")
          || labels.group(1).startsWith("bad")
          || labels.group(1).startsWith("old")) {
        if (!labels.group(2).contains("1>&2") || !labels.group(3).equals("exit /b 1")) {
          errors.add(labels.group(1));
        }
      }
    }
    assertEquals(List.of(), errors);
    for (String target : List.of("nojar", "nojava", "badjavahome", "noversion", "oldjava")) {
      assertTrue(cmd.contains("goto " + target), target + " is reached");
      assertTrue(cmd.contains("\n:" + target + "\n"), target + " exists");
    }
  }

  /**
   * {@code FOR /F} runs its command through {@code cmd /c}, which strips the outer quotes of a
   * command whose quoted part holds a special character ({@code Program Files (x86)}): the command
   * is wrapped in an escaped pair of quotes for it to strip.
   */
  @Test
  void commandsRunThroughCmdAreWrappedInQuotesForItToStrip() throws IOException {
    String cmd = read("codex-mcp.cmd");
    assertTrue(cmd.contains("in ('^\"\"%JAVA%\" -version 2^>^&1^\"')"), "java -version");
    assertTrue(cmd.contains("cmd /d /c ^\"\"%JAVA%\""), "the training run");
    assertFalse(cmd.contains("('\"%JAVA%\""), "an unwrapped FOR /F command");
  }

  /** The training run writes a file of its own, renamed into place once complete. */
  @Test
  void theWindowsTrainingRunNeverWritesTheArchiveInPlace() throws IOException {
    String train = group(read("codex-mcp.cmd"), "^(start .*--cds-training.*)$");
    assertTrue(train.contains("-XX:ArchiveClassesAtExit=%PARTIAL%"), train);
    assertTrue(train.contains("move /y \"%PARTIAL%\" \"%ARCHIVE%\""), train);
    assertFalse(train.contains("ArchiveClassesAtExit=%ARCHIVE%"), train);
  }
}
