package io.github.codexmcp.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.resources.ResourceCatalog;
import io.github.codexmcp.tools.ToolCatalog;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import reactor.core.publisher.Mono;

/**
 * Builds the MCP server: our stdio transport, the five tools and the six resources. Called once, on
 * the main thread; {@link #warmUp} runs on a spare thread and starts one more ({@code
 * codex-mcp-warmup-sdk}) that only loads classes. No state of its own.
 */
public final class McpServerFactory {
  private McpServerFactory() {}

  /**
   * Loads the SDK's server and Reactor classes. Without a class-data archive, verifying {@code
   * Flux} and {@code Mono} alone loads some 400 operator classes; this lets a second core do it.
   */
  private static void preloadSdk() {
    ClassLoader loader = McpServerFactory.class.getClassLoader();
    for (String name :
        List.of(
            "reactor.core.publisher.Flux",
            "reactor.core.publisher.Mono",
            "io.modelcontextprotocol.spec.McpServerSession",
            "io.modelcontextprotocol.server.McpAsyncServer",
            "io.modelcontextprotocol.server.McpServer")) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        return; // only an optimisation
      }
    }
  }

  /** The running server and its transport. */
  public record Built(
      McpAsyncServer server,
      StdioTransportProvider transport,
      McpClientLog clientLog,
      McpForms forms) {}

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /**
   * Start-up warm-up, meant for a spare thread while the main thread wires the server: creates the
   * shared object mapper and lets it build the (de)serializers of the {@code initialize} and {@code
   * tools/list} exchanges (Jackson introspects each record type by reflection once, tens of
   * milliseconds that would otherwise sit between reading {@code initialize} and answering it), and
   * loads the Reactor operators the SDK session uses. Side-effect free; never throws.
   */
  public static void warmUp() {
    Thread sdk = new Thread(McpServerFactory::preloadSdk, "codex-mcp-warmup-sdk");
    sdk.setDaemon(true);
    sdk.start();
    try {
      McpJsonMapper mapper = new JacksonMcpJsonMapper(Json.MAPPER);
      Map<String, Object> init =
          Json.MAPPER.readValue(
              "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                  + "\"capabilities\":{\"roots\":{\"listChanged\":true},\"sampling\":{},\"elicitation\":{}},"
                  + "\"clientInfo\":{\"name\":\"warm-up\",\"version\":\"0\"}}}",
              MAP);
      McpSchema.JSONRPCRequest request = mapper.convertValue(init, McpSchema.JSONRPCRequest.class);
      mapper.convertValue(request.params(), new TypeRef<McpSchema.InitializeRequest>() {});
      mapper.convertValue(
          Map.of("jsonrpc", "2.0", "method", "notifications/initialized"),
          McpSchema.JSONRPCNotification.class);
      McpSchema.InitializeResult result =
          new McpSchema.InitializeResult(
              "2025-06-18",
              McpSchema.ServerCapabilities.builder()
                  .tools(true)
                  .resources(false, true)
                  .logging()
                  .build(),
              new McpSchema.Implementation("warm-up", "0"),
              null);
      mapper.writeValueAsBytes(new McpSchema.JSONRPCResponse("2.0", 0, result, null));
      McpSchema.Tool tool =
          new McpSchema.Tool(
              "warm-up",
              "t",
              "d",
              Map.of("type", "object"),
              Map.of("type", "object"),
              new McpSchema.ToolAnnotations(null, true, false, true, false, null),
              null,
              null);
      mapper.writeValueAsBytes(
          new McpSchema.JSONRPCResponse(
              "2.0", 0, new McpSchema.ListToolsResult(List.of(tool), null), null));
      Mono.fromCallable(() -> 1)
          .flatMap(Mono::just)
          .map(x -> x)
          .onErrorResume(e -> Mono.empty())
          .subscribe();
    } catch (Exception | LinkageError e) {
      // only an optimisation
    }
  }

  /**
   * Builds the server and starts reading {@code in}. Tool calls and resource reads wait for {@code
   * ready} (start-up work such as session recovery that {@code initialize} and the list requests
   * need not wait for) and then run on {@code work}.
   */
  public static Built build(
      InputStream in,
      OutputStream out,
      Map<String, ToolHandler> handlers,
      ResourceCatalog resources,
      Executor work,
      CompletableFuture<?> ready,
      CancellationRegistry cancellations,
      Runnable onEndOfInput,
      String version) {
    return build(
        in, out, handlers, resources, work, ready, cancellations, onEndOfInput, version, null);
  }

  /**
   * As above, continuing after an {@link EarlyInitialize} that read the first line (may be null).
   */
  public static Built build(
      InputStream in,
      OutputStream out,
      Map<String, ToolHandler> handlers,
      ResourceCatalog resources,
      Executor work,
      CompletableFuture<?> ready,
      CancellationRegistry cancellations,
      Runnable onEndOfInput,
      String version,
      EarlyInitialize early) {
    return build(
        in,
        out,
        handlers,
        resources,
        work,
        ready,
        cancellations,
        onEndOfInput,
        version,
        early,
        new McpClientLog(),
        new McpForms());
  }

  /**
   * As above, with the client log and forms that the rest of the server already uses ({@link
   * McpClientLog}: messages logged before the client is initialized are sent once it is; {@link
   * McpForms}).
   */
  public static Built build(
      InputStream in,
      OutputStream out,
      Map<String, ToolHandler> handlers,
      ResourceCatalog resources,
      Executor work,
      CompletableFuture<?> ready,
      CancellationRegistry cancellations,
      Runnable onEndOfInput,
      String version,
      EarlyInitialize early,
      McpClientLog clientLog,
      McpForms forms) {
    McpJsonMapper mapper = new JacksonMcpJsonMapper(Json.MAPPER);
    ToolSchemaValidator validator = new ToolSchemaValidator(Json.MAPPER);
    Set<String> names = new LinkedHashSet<>(ToolCatalog.TOOL_NAMES);
    StdioTransportProvider transport =
        new StdioTransportProvider(mapper, in, out, cancellations, () -> names, onEndOfInput);
    if (early != null) {
      transport.continueAfter(early);
    }
    clientLog.attach(transport);
    forms.attach(transport);
    ToolAdapter adapter =
        new ToolAdapter(
            validator, work, ready, cancellations, clientLog, transport::awaitOutputRoom);
    ToolCalls calls = transport.toolCalls();
    calls.attach(adapter);
    List<McpServerFeatures.AsyncToolSpecification> tools = new ArrayList<>();
    for (ObjectNode def : ToolCatalog.all()) {
      String name = def.get("name").asText();
      McpServerFeatures.AsyncToolSpecification spec =
          adapter.specification(def, handlers.get(name));
      tools.add(spec);
      calls.register(name, handlers.get(name), spec.tool().inputSchema());
    }
    StartupTrace.mark("tool specifications");
    List<McpServerFeatures.AsyncResourceSpecification> res = new ArrayList<>();
    for (ResourceCatalog.Entry e : ResourceCatalog.ENTRIES) {
      McpSchema.Resource r =
          new McpSchema.Resource(
              e.uri(), e.name(), e.title(), e.description(), e.mimeType(), null, null, null);
      res.add(
          new McpServerFeatures.AsyncResourceSpecification(
              r,
              (exchange, req) ->
                  Mono.fromFuture(
                      () ->
                          ready.thenApplyAsync(
                              v -> {
                                String text = resources.read(req.uri());
                                if (text == null) {
                                  throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
                                      .message("Resource not found: " + req.uri())
                                      .build();
                                }
                                return new McpSchema.ReadResourceResult(
                                    List.of(
                                        new McpSchema.TextResourceContents(
                                            req.uri(), e.mimeType(), text)));
                              },
                              work))));
    }
    StartupTrace.mark("resource specifications");
    McpAsyncServer server =
        McpServer.async(transport)
            .serverInfo(
                new McpSchema.Implementation(ServerIdentity.NAME, ServerIdentity.TITLE, version))
            .instructions(ServerIdentity.instructions())
            .jsonMapper(mapper)
            .jsonSchemaValidator(validator.forResults(Boolean.getBoolean("codexmcp.checkResults")))
            .validateToolInputs(false)
            .requestTimeout(Duration.ofHours(1))
            .capabilities(
                McpSchema.ServerCapabilities.builder()
                    .tools(true)
                    .resources(false, true)
                    .logging()
                    .build())
            .tools(tools)
            .resources(res)
            .build();
    return new Built(server, transport, clientLog, forms);
  }
}
