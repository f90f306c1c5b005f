package io.github.codexmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CodexTestHomeTest {
  private ScriptedModelServer model;

  @BeforeEach
  void start() throws Exception {
    model = ScriptedModelServer.start();
  }

  @AfterEach
  void stop() {
    model.close();
  }

  @Test
  void writesTheSpecConfigWithExtrasAndCleansUp() throws Exception {
    Path root;
    try (CodexTestHome home =
        CodexTestHome.create(model, "approval_policy = \"on-request\"\n[features]\nx = true")) {
      root = home.root();
      assertEquals(home.home().resolve(".codex"), home.codexHome());
      assertTrue(Files.isDirectory(home.workDir()));
      home.appendConfig("sandbox_mode = \"read-only\"");
      String toml = Files.readString(home.configToml());
      String expectedTail =
          "[model_providers.mock]\n"
              + "name = \"mock\"\n"
              + "base_url = \"http://127.0.0.1:"
              + model.port()
              + "/v1\"\n"
              + "wire_api = \"responses\"\n"
              + "request_max_retries = 0\n"
              + "stream_max_retries = 0\n"
              + "\n"
              + "[projects.\""
              + home.workDir()
              + "\"]\n"
              + "trust_level = \"trusted\"\n";
      assertTrue(toml.startsWith("model = \"mock-model\"\nmodel_provider = \"mock\"\n"), toml);
      assertTrue(toml.endsWith(expectedTail), toml);
      // extras sit before the first spec table, so top-level keys stay top-level
      int providers = toml.indexOf("[model_providers.mock]");
      assertTrue(toml.indexOf("approval_policy") < toml.indexOf("[features]"), toml);
      assertTrue(toml.indexOf("sandbox_mode") < toml.indexOf("[features]"), toml);
      assertTrue(toml.indexOf("x = true") < providers, toml);
      Map<String, String> env = home.env();
      assertEquals(home.home().toString(), env.get("HOME"));
      assertEquals(home.codexHome().toString(), env.get("CODEX_HOME"));
      assertEquals("dummy", env.get("OPENAI_API_KEY"));
      assertEquals("1", env.get("NO_COLOR"));
      assertEquals(System.getenv("PATH"), env.get("PATH"));
      ProcessBuilder pb = home.configure(new ProcessBuilder("true"));
      assertEquals(env, pb.environment());
      assertEquals(home.workDir().toFile(), pb.directory());
      Files.writeString(home.workDir().resolve("f.txt"), "x");
    }
    assertFalse(Files.exists(root));
  }

  @Test
  void withoutExtrasTheConfigIsExactlyTheSpecText() throws Exception {
    try (CodexTestHome home = CodexTestHome.create(model)) {
      String expected =
          "model = \"mock-model\"\n"
              + "model_provider = \"mock\"\n"
              + "\n"
              + "[model_providers.mock]\n"
              + "name = \"mock\"\n"
              + "base_url = \"http://127.0.0.1:"
              + model.port()
              + "/v1\"\n"
              + "wire_api = \"responses\"\n"
              + "request_max_retries = 0\n"
              + "stream_max_retries = 0\n"
              + "\n"
              + "[projects.\""
              + home.workDir()
              + "\"]\n"
              + "trust_level = \"trusted\"\n";
      assertEquals(expected, Files.readString(home.configToml()));
    }
  }

  @Test
  void tomlStringEscapes() {
    assertEquals("\"a\\\"b\\\\c\\n\"", CodexTestHome.tomlString("a\"b\\c\n"));
  }
}
