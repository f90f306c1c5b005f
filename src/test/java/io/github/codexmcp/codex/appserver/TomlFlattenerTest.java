package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TomlFlattenerTest {
  private static List<String> flat(String toml) {
    List<String> out = new ArrayList<>();
    for (TomlFlattener.Entry e : TomlFlattener.flatten(toml)) {
      out.add(e.path() + " = " + e.rawValue());
    }
    return out;
  }

  @Test
  void keepsValuesVerbatimUnderTheirTables() {
    String toml =
        "# profile\n"
            + "model = \"gpt-5\"   # trailing comment\n"
            + "model_reasoning_effort = 'high'\n"
            + "retries = 3\n"
            + "started = 1979-05-27 07:32:00Z\n"
            + "\n"
            + "[model_providers.mock]\n"
            + "name = \"mock # not a comment\"\n"
            + "base_url = \"http://127.0.0.1:9/v1\"\n"
            + "[ features ]\n"
            + "x.y = true\n";
    assertEquals(
        List.of(
            "[model] = \"gpt-5\"",
            "[model_reasoning_effort] = 'high'",
            "[retries] = 3",
            "[started] = 1979-05-27 07:32:00Z",
            "[model_providers, mock, name] = \"mock # not a comment\"",
            "[model_providers, mock, base_url] = \"http://127.0.0.1:9/v1\"",
            "[features, x, y] = true"),
        flat(toml));
  }

  @Test
  void keepsMultiLineArraysAndStringsWhole() {
    String toml =
        "notify = [\n  \"a\", # first\n  \"b]\",\n]\n"
            + "text = \"\"\"line1\nline2 \\\"\"\" \"\"\"\n"
            + "lit = '''x\n''y'''''\n"
            + "nested = [[1, 2], {a = 1}]\n";
    assertEquals(
        List.of(
            "[notify] = [\n  \"a\", # first\n  \"b]\",\n]",
            "[text] = \"\"\"line1\nline2 \\\"\"\" \"\"\"",
            "[lit] = '''x\n''y'''''",
            "[nested] = [[1, 2], {a = 1}]"),
        flat(toml));
  }

  @Test
  void flattensInlineTablesAndDecodesQuotedKeys() {
    String toml =
        "[projects.\"/home/u/my.repo\"]\n"
            + "trust_level = \"trusted\"\n"
            + "shell = { inherit = \"all\", set = { A = \"1\" }, empty = {} }\n"
            + "'lit.key' = 1\n"
            + "\"esc\\u0041\" = 2\n";
    assertEquals(
        List.of(
            "[projects, /home/u/my.repo, trust_level] = \"trusted\"",
            "[projects, /home/u/my.repo, shell, inherit] = \"all\"",
            "[projects, /home/u/my.repo, shell, set, A] = \"1\"",
            "[projects, /home/u/my.repo, shell, empty] = {}",
            "[projects, /home/u/my.repo, lit.key] = 1",
            "[projects, /home/u/my.repo, escA] = 2"),
        flat(toml));
  }

  @Test
  void handlesCrLfAndBom() {
    assertEquals(List.of("[a] = 1", "[b] = \"x\""), flat("\uFEFFa = 1\r\nb = \"x\"\r\n"));
  }

  @Test
  void rejectsWhatItCannotSplit() {
    assertEquals(
        "line 2: arrays of tables ([[...]]) are not supported",
        assertThrows(IllegalArgumentException.class, () -> flat("a = 1\n[[x]]\n")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> flat("a = \"open\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("a = [1, 2\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("a = 1 b = 2\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("= 1\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("a =\n"));
  }
}
