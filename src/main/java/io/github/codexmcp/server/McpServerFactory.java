package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.resources.ResourceCatalog;
import io.github.codexmcp.tools.ToolCatalog;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import reactor.core.publisher.Mono;

/** Builds the MCP server: our stdio transport, the five tools and the six resources. */
public final class McpServerFactory {
  private McpServerFactory() {}

  /** The running server and its transport. */
  public record Built(McpAsyncServer server, StdioTransportProvider transport) {}

  public static Built build(
      InputStream in,
      OutputStream out,
      Map<String, ToolHandler> handlers,
      ResourceCatalog resources,
      Executor work,
      CancellationRegistry cancellations,
      Runnable onEndOfInput,
      String version) {
    McpJsonMapper mapper = new JacksonMcpJsonMapper(Json.MAPPER);
    DefaultJsonSchemaValidator validator = new DefaultJsonSchemaValidator(Json.MAPPER);
    Set<String> names = new LinkedHashSet<>(ToolCatalog.TOOL_NAMES);
    StdioTransportProvider transport =
        new StdioTransportProvider(mapper, in, out, cancellations, () -> names, onEndOfInput);
    ToolAdapter adapter = new ToolAdapter(validator, work, cancellations);
    List<McpServerFeatures.AsyncToolSpecification> tools = new ArrayList<>();
    for (ObjectNode def : ToolCatalog.all()) {
      tools.add(adapter.specification(def, handlers.get(def.get("name").asText())));
    }
    List<McpServerFeatures.AsyncResourceSpecification> res = new ArrayList<>();
    for (ResourceCatalog.Entry e : ResourceCatalog.ENTRIES) {
      McpSchema.Resource r = new McpSchema.Resource(e.uri(), e.name(), e.title(), e.description(), e.mimeType(), null, null, null);
      res.add(
          new McpServerFeatures.AsyncResourceSpecification(
              r,
              (exchange, req) ->
                  Mono.fromCallable(
                      () -> {
                        String text = resources.read(req.uri());
                        if (text == null) {
                          throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
                              .message("Resource not found: " + req.uri())
                              .build();
                        }
                        return new McpSchema.ReadResourceResult(
                            List.of(new McpSchema.TextResourceContents(req.uri(), e.mimeType(), text)));
                      })));
    }
    McpAsyncServer server =
        McpServer.async(transport)
            .serverInfo("codex-mcp", version)
            .jsonMapper(mapper)
            .jsonSchemaValidator(validator)
            .validateToolInputs(false)
            .requestTimeout(Duration.ofHours(1))
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).resources(false, true).logging().build())
            .tools(tools)
            .resources(res)
            .build();
    return new Built(server, transport);
  }
}
