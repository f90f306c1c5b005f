package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.FormAnswer;
import io.github.codexmcp.client.FormField;
import io.github.codexmcp.client.FormRequest;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Threads;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClientForms} over the stdio transport: {@code elicitation/create} requests (form mode)
 * with ids of this server's own ({@value #ID_PREFIX}{@code n}), written by the transport; the
 * transport hands their responses here ({@link #takeResponse}) before the SDK sees them, and a
 * withdrawn form is closed with {@code notifications/cancelled}.
 *
 * <p>Threads: {@link #ask} and {@link PendingForm#withdraw} are called from any thread and only
 * register the form (a concurrent map) and queue the write; one daemon thread ({@code
 * codex-mcp-forms}) waits for the client's {@code notifications/initialized} and writes, so a
 * blocked stdout never holds up a caller. The stdin reader thread completes answers. The transport
 * is set once by {@link #attach} (a future the sender waits on).
 */
public final class McpForms implements ClientForms {
  private static final Logger LOG = LoggerFactory.getLogger(McpForms.class);
  static final String ID_PREFIX = "codex-mcp-form-";

  private final CompletableFuture<StdioTransportProvider> transport = new CompletableFuture<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<String, CompletableFuture<FormAnswer>> open = new ConcurrentHashMap<>();
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(Threads.daemonFactory("codex-mcp-forms"));

  public McpForms() {}

  void attach(StdioTransportProvider t) {
    transport.complete(t);
    t.takeResponses(this::takeResponse);
  }

  @Override
  public boolean supported() {
    StdioTransportProvider t = transport.getNow(null);
    return t != null && t.clientShowsForms();
  }

  @Override
  public PendingForm ask(FormRequest form) {
    if (!supported()) {
      return ClientForms.NONE.ask(form);
    }
    String id = ID_PREFIX + nextId.getAndIncrement();
    CompletableFuture<FormAnswer> answer = new CompletableFuture<>();
    open.put(id, answer);
    answer.whenComplete((a, e) -> open.remove(id));
    ObjectNode request = request(id, form, transport.join().clientTakesFormMode());
    send(request);
    return new PendingForm() {
      @Override
      public CompletableFuture<FormAnswer> answer() {
        return answer;
      }

      @Override
      public void withdraw(String reason) {
        if (open.remove(id) != null && answer.complete(FormAnswer.cancelled())) {
          ObjectNode n =
              Json.object().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
          n.putObject("params").put("requestId", id).put("reason", reason);
          send(n);
        }
      }
    };
  }

  /** Number of forms awaiting an answer (tests). */
  int openCount() {
    return open.size();
  }

  private void send(ObjectNode message) {
    sender.execute(
        () -> {
          try {
            StdioTransportProvider t = transport.join();
            t.initialized().join();
            t.sendOwn(message);
          } catch (RuntimeException e) {
            LOG.warn("[codex-mcp] could not send a form to the client: {}", e.toString());
          }
        });
  }

  /** The {@code elicitation/create} request for {@code form}. */
  static ObjectNode request(String id, FormRequest form, boolean withMode) {
    ObjectNode m = Json.object().put("jsonrpc", "2.0").put("id", id);
    m.put("method", "elicitation/create");
    ObjectNode params = m.putObject("params");
    if (withMode) {
      params.put("mode", "form");
    }
    params.put("message", form.message());
    ObjectNode schema = params.putObject("requestedSchema").put("type", "object");
    ObjectNode props = schema.putObject("properties");
    ArrayNode required = schema.putArray("required");
    for (FormField f : form.fields()) {
      ObjectNode p = props.putObject(f.name()).put("type", "string").put("title", f.title());
      if (f.description() != null) {
        p.put("description", f.description());
      }
      if (!f.options().isEmpty()) {
        ArrayNode values = p.putArray("enum");
        f.options().forEach(values::add);
      }
      required.add(f.name());
    }
    return m;
  }

  /**
   * Takes a response to one of this server's forms (called by the stdin reader); false for any
   * other message, which the SDK handles.
   */
  boolean takeResponse(ObjectNode msg) {
    JsonNode id = msg.get("id");
    if (id == null || !id.isTextual() || !id.textValue().startsWith(ID_PREFIX)) {
      return false;
    }
    CompletableFuture<FormAnswer> answer = open.remove(id.textValue());
    if (answer != null) {
      answer.complete(parse(msg));
    }
    return true;
  }

  /** The answer in a response; an error or anything unexpected counts as a dismissal. */
  static FormAnswer parse(JsonNode response) {
    JsonNode result = response.get("result");
    if (result == null || !result.isObject()) {
      return FormAnswer.cancelled();
    }
    String action = result.path("action").asText("").toLowerCase(Locale.ROOT);
    switch (action) {
      case "accept":
        Map<String, String> values = new LinkedHashMap<>();
        result
            .path("content")
            .properties()
            .forEach(
                e -> {
                  if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    values.put(e.getKey(), e.getValue().asText());
                  }
                });
        return new FormAnswer(FormAnswer.Action.ACCEPT, values);
      case "decline":
        return new FormAnswer(FormAnswer.Action.DECLINE, Map.of());
      default:
        return FormAnswer.cancelled();
    }
  }
}
