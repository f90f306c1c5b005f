package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void leavesUnderTheirTablesAsTomlValues() {
    String toml =
        "# profile\n"
            + "model = \"gpt-5\"   # trailing comment\n"
            + "model_reasoning_effort = 'high'\n"
            + "retries = 3\n"
            + "ratio = 0.5\n"
            + "started = 1979-05-27T07:32:00Z\n"
            + "day = 1979-05-27\n"
            + "\n"
            + "[model_providers.mock]\n"
            + "name = \"mock # not a comment\"\n"
            + "base_url = \"http://127.0.0.1:9/v1\"\n"
            + "[ features ]\n"
            + "x.y = true\n";
    assertEquals(
        List.of(
            "[model] = \"gpt-5\"",
            "[model_reasoning_effort] = \"high\"",
            "[retries] = 3",
            "[ratio] = 0.5",
            "[started] = 1979-05-27T07:32:00Z",
            "[day] = 1979-05-27",
            "[model_providers, mock, name] = \"mock # not a comment\"",
            "[model_providers, mock, base_url] = \"http://127.0.0.1:9/v1\"",
            "[features, x, y] = true"),
        flat(toml));
  }

  @Test
  void multiLineArraysAndStringsBecomeInlineValues() {
    String toml =
        "notify = [\n  \"a\", # first\n  \"b]\",\n]\n"
            + "text = \"\"\"line1\nline2 \\\"\"\" \"\"\"\n"
            + "lit = '''x\n''y'''''\n"
            + "nested = [[1, 2], {a = 1, \"b c\" = \"\\u007f\"}]\n"
            + "special = [inf, -inf, nan]\n";
    assertEquals(
        List.of(
            "[notify] = [\"a\", \"b]\"]",
            "[text] = \"line1\\nline2 \\\"\\\"\\\" \"",
            "[lit] = \"x\\n''y''\"",
            "[nested] = [[1, 2], {a = 1, \"b c\" = \"\\u007F\"}]",
            "[special] = [inf, -inf, nan]"),
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
  void arraysOfTablesBecomeArraysOfInlineTables() {
    assertEquals(
        List.of("[a] = 1", "[x] = [{k = \"v\"}, {k = \"w\"}]"),
        flat("a = 1\n[[x]]\nk = \"v\"\n[[x]]\nk = \"w\"\n"));
  }

  @Test
  void handlesCrLfAndBom() {
    assertEquals(List.of("[a] = 1", "[b] = \"x\""), flat("\uFEFFa = 1\r\nb = \"x\"\r\n"));
  }

  @Test
  void rejectsInvalidTomlNamingTheLine() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> flat("a = 1\nb = \"open\n"));
    assertTrue(e.getMessage().startsWith("line 2: "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> flat("a = [1, 2\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("a = 1 b = 2\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("= 1\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("a =\n"));
    assertThrows(IllegalArgumentException.class, () -> flat("a = 1\na = 2\n"));
  }
}
