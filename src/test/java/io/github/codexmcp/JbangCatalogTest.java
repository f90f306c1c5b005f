package io.github.codexmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code jbang-catalog.json} (for {@code jbang codex-mcp@codexmcp/codex-mcp}), checked offline: it
 * names this version's release jar by the name the build gives it, a main class that exists, the
 * Java version the server needs and the launcher's JVM options.
 */
class JbangCatalogTest {
  private static JsonNode alias() throws IOException {
    JsonNode catalog = Json.parse(Files.readString(Path.of("jbang-catalog.json")));
    assertTrue(catalog.path("aliases").isObject(), "aliases");
    JsonNode alias = catalog.path("aliases").path("codex-mcp");
    assertTrue(alias.isObject(), "alias codex-mcp");
    return alias;
  }

  private static String pom() throws IOException {
    return Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), regex);
    return m.group(1);
  }

  @Test
  void theAliasRunsThisVersionsReleaseJar() throws IOException {
    String version =
        group(pom(), "<artifactId>codex-mcp</artifactId>\\s*<version>([^<]+)</version>");
    String jarName = group(pom(), "<finalName>([^<]+)</finalName>") + ".jar";
    String ref = alias().path("script-ref").asText();
    assertEquals(
        "https://github.com/codexmcp/codex-mcp/releases/download/v" + version + "/" + jarName,
        ref,
        "a release v<version> attaches the jar the build makes");
    assertTrue(alias().path("description").asText().contains(version), "the description's version");
  }

  @Test
  void theMainClassExistsAndTheJavaVersionIsTheServers() throws Exception {
    String main = alias().path("main").asText();
    Method m = Class.forName(main).getMethod("main", String[].class);
    assertTrue(Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers()), main);
    assertEquals("17+", alias().path("java").asText());
    assertEquals(
        group(pom(), "<release>(\\d+)</release>") + "+", alias().path("java").asText(), "release");
  }

  @Test
  void theJvmOptionsAreTheLaunchers() throws IOException {
    String posix = Files.readString(Path.of("src/dist/bin/codex-mcp"), StandardCharsets.UTF_8);
    List<String> launcher = Arrays.asList(group(posix, "^opts=\"([^\"]*)\"$").split(" "));
    List<String> options = new ArrayList<>();
    alias().path("runtime-options").forEach(o -> options.add(o.asText()));
    assertEquals(launcher, options);
  }
}
