package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileOverridesTest {
  @TempDir Path home;

  @Test
  void profileFileSettingsBecomeOverridesInFileOrder() throws IOException {
    Files.writeString(
        home.resolve("work.config.toml"),
        "model = \"profile-model\"\napproval_policy = \"never\"\n"
            + "[projects.\"/home/u/my.repo\"]\ntrust_level = \"trusted\"\n");
    assertEquals(
        List.of(
            "model=\"profile-model\"",
            "approval_policy=\"never\"",
            "projects={\"/home/u/my.repo\".trust_level = \"trusted\"}"),
        ProfileOverrides.resolve(home, "work"));
  }

  @Test
  void profileFileWinsOverLegacyTable() throws IOException {
    Files.writeString(home.resolve("config.toml"), "[profiles.work]\nmodel = \"legacy\"\n");
    Files.writeString(home.resolve("work.config.toml"), "model = \"v2\"\n");
    assertEquals(List.of("model=\"v2\""), ProfileOverrides.resolve(home, "work"));
  }

  @Test
  void fallsBackToLegacyProfilesTable() throws IOException {
    Files.writeString(
        home.resolve("config.toml"),
        "model = \"base\"\n[profiles.work]\nmodel = \"legacy\"\n[profiles.work.features]\nx = true\n"
            + "[profiles.other]\nmodel = \"no\"\n[profiles]\nwork.sandbox_mode = \"read-only\"\n");
    assertEquals(
        List.of("model=\"legacy\"", "features.x=true", "sandbox_mode=\"read-only\""),
        ProfileOverrides.resolve(home, "work"));
  }

  @Test
  void missingProfileIsAnInvalidArgument() throws IOException {
    Files.writeString(home.resolve("config.toml"), "model = \"base\"\n");
    CodexMcpException e =
        assertThrows(CodexMcpException.class, () -> ProfileOverrides.resolve(home, "nope"));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertEquals(
        "Error [INVALID_ARGUMENT]: Profile 'nope' not found: expected $CODEX_HOME/nope.config.toml"
            + " (or a legacy [profiles.nope] table in $CODEX_HOME/config.toml)",
        e.getMessage());
  }

  @Test
  void rejectsNamesThatCouldEscapeCodexHome() {
    for (String bad : List.of("../x", "a/b", "", ".hidden", "a..b", "a b")) {
      CodexMcpException e =
          assertThrows(CodexMcpException.class, () -> ProfileOverrides.resolve(home, bad), bad);
      assertTrue(e.getMessage().contains("Invalid profile name"), e.getMessage());
    }
  }

  @Test
  void unsplittableProfileIsAnInvalidArgument() throws IOException {
    Files.writeString(home.resolve("p.config.toml"), "x = 1\ny = \"open\n");
    CodexMcpException e =
        assertThrows(CodexMcpException.class, () -> ProfileOverrides.resolve(home, "p"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Error [INVALID_ARGUMENT]: Cannot use profile 'p' from p.config.toml: line 2: "),
        e.getMessage());
  }

  @Test
  void overrideKeepsPlainSegmentsInTheKey() {
    assertEquals("a.b-c.d_e=1", ProfileOverrides.override(List.of("a", "b-c", "d_e"), "1"));
    assertEquals(
        "a={\"x.y\".\"q\\\"\".c = 1}",
        ProfileOverrides.override(List.of("a", "x.y", "q\"", "c"), "1"));
    assertThrows(
        IllegalArgumentException.class, () -> ProfileOverrides.override(List.of("a.b"), "1"));
  }

  @Test
  void codexHomeComesFromEnvironment() {
    assertEquals(Path.of("/x/ch"), ProfileOverrides.codexHome(Map.of("CODEX_HOME", "/x/ch")));
    assertEquals(Path.of("/u", ".codex"), ProfileOverrides.codexHome(Map.of("HOME", "/u")));
  }
}
