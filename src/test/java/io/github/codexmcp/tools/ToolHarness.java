package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.server.ToolAdapter;
import io.github.codexmcp.session.SessionFixture;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.testing.OutputSchemas;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The four session tools on a {@link SessionFixture}. {@link #call} runs a handler, renders the
 * outcome in the MCP envelope (as the server does) and checks every structured result against the
 * tool's declared output schema; {@link #inputIssues} mirrors the server's input validation (JSON
 * schema, then the handler's cross-field rules).
 */
final class ToolHarness {
  private static final DefaultJsonSchemaValidator VALIDATOR =
      new DefaultJsonSchemaValidator(new ObjectMapper());

  final SessionFixture f;
  final CodexTool codex;
  final CodexReplyTool reply;
  final CodexSessionTool session;
  final CodexCheckTool check;

  ToolHarness(SessionFixture f, Path serverCwd) {
    this.f = f;
    this.codex = new CodexTool(f.manager, f.polling, serverCwd);
    this.reply = new CodexReplyTool(f.manager, f.polling);
    this.session = new CodexSessionTool(f.manager);
    this.check = new CodexCheckTool(f.polling);
  }

  /** A request context with a controllable cancellation and recorded progress. */
  static final class Context implements RequestContext {
    final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    final boolean wantsProgress;
    final List<String> progress = new ArrayList<>();

    Context(boolean wantsProgress) {
      this.wantsProgress = wantsProgress;
    }

    @Override
    public CompletableFuture<Void> cancelled() {
      return cancelled;
    }

    @Override
    public boolean wantsProgress() {
      return wantsProgress;
    }

    @Override
    public void progress(double value, Double total, String message) {
      progress.add(value + ":" + message);
    }
  }

  /** A rendered tool result. */
  record Result(
      ToolOutcome outcome, McpSchema.CallToolResult rendered, ObjectNode structured, String text) {
    boolean isError() {
      return Boolean.TRUE.equals(rendered.isError());
    }

    /** The error text of a thrown error (plain text content). */
    String thrownText() {
      assertTrue(
          outcome instanceof ToolOutcome.Thrown, () -> "expected a thrown error, got " + outcome);
      assertTrue(isError());
      assertEquals(text, structured.get("error").asText());
      return text;
    }

    /** The message of a returned error object (JSON text content). */
    String returnedError() {
      assertTrue(
          outcome instanceof ToolOutcome.Returned,
          () -> "expected a returned error, got " + outcome);
      assertTrue(isError());
      assertEquals(Json.parse(text), structured, "content is the pretty JSON of the object");
      assertTrue(structured.get("isError").asBoolean());
      return structured.get("error").asText();
    }

    /** The structured result of a success. */
    ObjectNode ok() {
      assertTrue(
          outcome instanceof ToolOutcome.Success || outcome instanceof ToolOutcome.Deferred,
          () -> "expected success, got " + outcome + " " + text);
      assertFalse(isError(), text);
      assertEquals(
          Json.pretty(structured), text, "content is the 2-space pretty JSON of structuredContent");
      return structured;
    }
  }

  CompletableFuture<Result> start(ToolHandler tool, String argsJson, RequestContext ctx) {
    ObjectNode args = (ObjectNode) FakeCodexBackend.json(argsJson);
    return tool.call(args, ctx).thenApply(o -> render(tool.name(), o));
  }

  /** Calls a tool whose fakes answer synchronously; the result must be complete. */
  Result call(ToolHandler tool, String argsJson) {
    return call(tool, argsJson, new Context(false));
  }

  Result call(ToolHandler tool, String argsJson, RequestContext ctx) {
    CompletableFuture<Result> r = start(tool, argsJson, ctx);
    assertTrue(r.isDone(), "tool call did not complete");
    return r.join();
  }

  static Result render(String toolName, ToolOutcome outcome) {
    McpSchema.CallToolResult rendered = ToolAdapter.render(outcome);
    ObjectNode structured = Json.MAPPER.valueToTree(rendered.structuredContent());
    String text = ((McpSchema.TextContent) rendered.content().get(0)).text();
    OutputSchemas.assertValid(toolName, rendered.structuredContent());
    return new Result(outcome, rendered, structured, text);
  }

  /**
   * Input-validation issues the server would report (empty when the call would reach the handler).
   */
  static List<String> inputIssues(ToolHandler tool, String argsJson) {
    ObjectNode args = (ObjectNode) FakeCodexBackend.json(argsJson);
    Map<String, Object> schema =
        Json.MAPPER.convertValue(
            ToolCatalog.definition(tool.name()).get("inputSchema"),
            new TypeReference<Map<String, Object>>() {});
    Map<String, Object> raw =
        Json.MAPPER.convertValue(args, new TypeReference<Map<String, Object>>() {});
    JsonSchemaValidator.ValidationResponse v = VALIDATOR.validate(schema, raw);
    List<String> issues = new ArrayList<>();
    if (!v.valid()) {
      issues.add(v.errorMessage());
      return issues;
    }
    issues.addAll(tool.validate(args));
    return issues;
  }

  static JsonNode json(String text) {
    return FakeCodexBackend.json(text);
  }
}
