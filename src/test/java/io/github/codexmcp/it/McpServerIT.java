package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.codexmcp.codex.CodexVersionRange;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.OutputSchemas;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged server driven by the official MCP Java SDK client. */
@Timeout(120)
class McpServerIT {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static Path tmp;
  static McpSyncClient client;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("codex-mcp-it");
    Files.createDirectories(tmp.resolve("home/.codex"));
    Files.writeString(tmp.resolve("home/.codex/config.toml"), "model = \"mock-model\"\n");
    Files.createDirectories(tmp.resolve("project/.codex"));
    Files.writeString(tmp.resolve("project/.codex/config.toml"), "\n");
    List<String> cmd = ServerProcess.command();
    ServerParameters params =
        ServerParameters.builder(cmd.get(0))
            .args(cmd.subList(1, cmd.size()))
            .env(
                Map.of(
                    "HOME", tmp.resolve("home").toString(),
                    "CODEX_HOME", tmp.resolve("home/.codex").toString(),
                    "CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString(),
                    "CODEX_MCP_STATE_DIR", tmp.resolve("state").toString(),
                    "PATH", System.getenv("PATH")))
            .build();
    client =
        McpClient.sync(
                new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper())))
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    McpSchema.InitializeResult init = client.initialize();
    assertEquals("codex-mcp", init.serverInfo().name());
    assertEquals("2.1.7", init.serverInfo().version());
    assertTrue(init.serverInfo().title().startsWith("Codex MCP"), init.serverInfo().toString());
    String instructions = init.instructions();
    assertTrue(
        instructions != null && instructions.contains("codex-mcp:///quickstart"), instructions);
    assertTrue(instructions.contains("pollOptions.waitMs"), instructions);
    assertTrue(
        instructions.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 2048,
        "instructions over 2 KB");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.closeGracefully();
    }
  }

  @Test
  void toolsListMatchesGoldenFile() throws Exception {
    McpSchema.ListToolsResult tools = client.listTools();
    JsonNode actual = JSON.valueToTree(tools.tools());
    JsonNode golden;
    try (InputStream in = McpServerIT.class.getResourceAsStream("/golden/tools-list.json")) {
      golden = JSON.readTree(in);
    }
    assertEquals(
        List.of("codex", "codex_reply", "codex_setup", "codex_session", "codex_check"),
        tools.tools().stream().map(McpSchema.Tool::name).toList());
    assertEquals(
        golden,
        actual,
        "tools/list differs from src/test/resources/golden/tools-list.json:\n"
            + JSON.writeValueAsString(actual));
  }

  @Test
  void allSixResourcesAreListedAndReadable() {
    McpSchema.ListResourcesResult list = client.listResources();
    java.util.Set<String> uris =
        list.resources().stream()
            .map(McpSchema.Resource::uri)
            .collect(java.util.stream.Collectors.toSet());
    assertEquals(
        java.util.Set.of(
            "codex-mcp:///server-info",
            "codex-mcp:///compat-report",
            "codex-mcp:///config",
            "codex-mcp:///gotchas",
            "codex-mcp:///quickstart",
            "codex-mcp:///errors"),
        uris);
    for (McpSchema.Resource r : list.resources()) {
      McpSchema.ReadResourceResult read =
          client.readResource(new McpSchema.ReadResourceRequest(r.uri()));
      McpSchema.TextResourceContents c = (McpSchema.TextResourceContents) read.contents().get(0);
      assertEquals(r.mimeType(), c.mimeType());
      assertFalse(c.text().isBlank(), r.uri());
    }
    String info = text("codex-mcp:///server-info");
    assertTrue(info.contains("\"clientMode\": \"app-server\""), info);
    assertTrue(info.contains("\"codexCliVersion\": \"" + CodexCli.get().version() + "\""), info);
    assertTrue(text("codex-mcp:///config").contains("Override persistence"));
    assertTrue(text("codex-mcp:///quickstart").contains("\"action\": \"respond_permission\""));
    assertTrue(text("codex-mcp:///errors").contains("REQUEST_NOT_FOUND"));
    assertTrue(text("codex-mcp:///gotchas").contains("Idle sessions are auto-cleaned"));
    JsonNode compat = Json.parse(text("codex-mcp:///compat-report"));
    assertEquals("1.0.0", compat.path("schemaVersion").asText());
    assertEquals(CodexCli.get().version(), compat.at("/runtime/codexCliVersion").asText());
    // the suite runs only tested versions (or newer ones, which must be reported as such)
    int mismatches = compat.path("detectedMismatches").size();
    assertEquals(
        CodexVersionRange.bundled().check(CodexCli.get().version()).isPresent() ? 1 : 0,
        mismatches,
        compat.toString());
  }

  private static String text(String uri) {
    return ((McpSchema.TextResourceContents)
            client.readResource(new McpSchema.ReadResourceRequest(uri)).contents().get(0))
        .text();
  }

  @Test
  void codexSetupReportsTheRealCli() throws Exception {
    McpSchema.CallToolResult r =
        client.callTool(
            new McpSchema.CallToolRequest(
                "codex_setup", Map.of("cwd", tmp.resolve("project").toString())));
    assertFalse(Boolean.TRUE.equals(r.isError()));
    OutputSchemas.assertValid("codex_setup", r.structuredContent());
    JsonNode s = JSON.valueToTree(r.structuredContent());
    assertTrue(s.at("/executable/ok").asBoolean(), s.toString());
    assertEquals("env_path", s.at("/executable/source").asText());
    assertEquals("app-server", s.at("/runtime/clientMode").asText());
    assertTrue(s.at("/runtime/sameMachineRequired").asBoolean());
    assertEquals(CodexCli.get().version(), s.at("/runtime/codexCliVersion").asText());
    assertEquals(
        CodexVersionRange.bundled().minimum(),
        s.at("/runtime/testedCodexVersions/minimum").asText());
    assertEquals(tmp.resolve("state").toString(), s.at("/runtime/stateDir").asText());
    assertTrue(s.at("/projectContext/hasUserConfig").asBoolean());
    assertTrue(s.at("/projectContext/hasProjectConfig").asBoolean());
    // The home's config names no provider: the OpenAI one needs a login this dummy home lacks,
    // and the report says so instead of failing.
    assertEquals("unauthenticated", s.at("/auth/state").asText(), s.toString());
    assertFalse(s.path("ready").asBoolean());
    assertTrue(s.path("nextSteps").toString().contains("codex login"), s.toString());
    assertEquals("on", s.at("/persistence/state").asText());
    assertEquals(JSON.readTree(((McpSchema.TextContent) r.content().get(0)).text()), s);
  }

  @Test
  void invalidArgumentsGiveTheContractError() {
    McpSchema.CallToolResult r =
        client.callTool(
            new McpSchema.CallToolRequest("codex", Map.of("prompt", "x", "sandbox", "full")));
    assertTrue(r.isError());
    String text = ((McpSchema.TextContent) r.content().get(0)).text();
    assertTrue(
        text.startsWith(
            "MCP error -32602: Input validation error: Invalid arguments for tool codex: "),
        text);
    McpSchema.CallToolResult poll =
        client.callTool(
            new McpSchema.CallToolRequest(
                "codex_check", Map.of("action", "poll", "sessionId", "s", "decision", "accept")));
    assertTrue(poll.isError());
    assertTrue(
        ((McpSchema.TextContent) poll.content().get(0))
            .text()
            .contains("decision is only allowed for action='respond_permission'."));
    McpSchema.CallToolResult missing =
        client.callTool(new McpSchema.CallToolRequest("codex_session", Map.of("action", "get")));
    assertTrue(missing.isError());
    OutputSchemas.assertValid("codex_session", missing.structuredContent());
    McpSchema.CallToolResult unknown =
        client.callTool(
            new McpSchema.CallToolRequest(
                "codex_check", Map.of("action", "poll", "sessionId", "sess_nope")));
    assertTrue(unknown.isError());
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session 'sess_nope' not found",
        ((McpSchema.TextContent) unknown.content().get(0)).text());
  }
}
