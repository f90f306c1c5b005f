package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.FormAnswer;
import io.github.codexmcp.client.FormField;
import io.github.codexmcp.client.FormRequest;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Codex's parked requests as forms the user fills in, and the answers back: an approval ({@code
 * command}, {@code fileChange}, {@code permissions}, {@code mcp_tool_call}) becomes one field
 * {@value #DECISION} whose values are the decisions valid for it; questions ({@code user_input})
 * become one field per question. Stateless.
 */
final class ApprovalForms {
  /** The field of an approval form. */
  static final String DECISION = "decision";

  private static final List<String> SIMPLE =
      List.of("accept", "acceptForSession", "decline", "cancel");

  private ApprovalForms() {}

  /** Whether requests of this kind are offered as forms. */
  static boolean offered(String kind) {
    switch (kind) {
      case "command":
      case "fileChange":
      case "permissions":
      case "mcp_tool_call":
      case "user_input":
        return true;
      default:
        return false;
    }
  }

  /** The form for a request of {@code kind} with Codex's {@code params}. */
  static FormRequest form(String sessionId, String kind, JsonNode params) {
    if ("user_input".equals(kind)) {
      return questions(sessionId, params);
    }
    String message = approvalMessage(sessionId, kind, params);
    FormField decision =
        new FormField(
            DECISION,
            "Decision",
            "accept: once; acceptForSession: this and similar requests for the rest of the"
                + " session; decline: refuse, Codex carries on; cancel: refuse and stop the turn.",
            decisions(kind, params));
    return new FormRequest(message, List.of(decision));
  }

  /** The decisions a form offers: the simple ones, narrowed to what a command prompt advertises. */
  static List<String> decisions(String kind, JsonNode params) {
    if (!"command".equals(kind)) {
      return SIMPLE;
    }
    JsonNode available = params == null ? null : params.get("availableDecisions");
    if (available == null || !available.isArray() || available.isEmpty()) {
      return SIMPLE;
    }
    Set<String> advertised = new LinkedHashSet<>();
    available.forEach(a -> advertised.add(a.asText("")));
    List<String> out = new ArrayList<>();
    for (String d : SIMPLE) {
      // decline, cancel and acceptForSession are always accepted (see Answers)
      if (advertised.contains(d) || !"accept".equals(d)) {
        out.add(d);
      }
    }
    return out;
  }

  private static String approvalMessage(String sessionId, String kind, JsonNode p) {
    StringBuilder sb = new StringBuilder("Codex session ").append(sessionId).append(' ');
    switch (kind) {
      case "command":
        sb.append("wants to run a command:\n  ").append(commandText(p.get("command")));
        appendLine(sb, "in", Json.text(p, "cwd"));
        break;
      case "fileChange":
        sb.append("wants to change files");
        appendLine(sb, "under", Json.text(p, "grantRoot"));
        break;
      case "permissions":
        sb.append("asks for more permissions");
        JsonNode perms = p.get("permissions");
        if (perms != null && perms.isObject() && !perms.isEmpty()) {
          sb.append(":\n  ").append(Json.write(perms));
        }
        appendLine(sb, "in", Json.text(p, "cwd"));
        break;
      default:
        sb.append("wants to call an MCP tool");
        appendLine(sb, "", Json.text(p, "message"));
    }
    appendLine(sb, "Reason:", Json.text(p, "reason"));
    return sb.toString();
  }

  private static String commandText(JsonNode command) {
    if (command == null || command.isNull()) {
      return "(not given)";
    }
    if (command.isArray()) {
      List<String> parts = new ArrayList<>();
      command.forEach(c -> parts.add(c.asText()));
      return String.join(" ", parts);
    }
    return command.asText();
  }

  private static void appendLine(StringBuilder sb, String label, String value) {
    if (value != null && !value.isBlank()) {
      sb.append('\n').append(label.isEmpty() ? "" : label + " ").append(value);
    }
  }

  private static FormRequest questions(String sessionId, JsonNode params) {
    List<FormField> fields = new ArrayList<>();
    for (JsonNode q : params.path("questions")) {
      String id = Json.text(q, "id");
      if (id == null) {
        continue;
      }
      List<String> options = new ArrayList<>();
      StringBuilder help = new StringBuilder(q.path("question").asText(""));
      for (JsonNode o : q.path("options")) {
        String label = Json.text(o, "label");
        if (label != null) {
          options.add(label);
          String d = Json.text(o, "description");
          if (d != null && !d.isBlank()) {
            help.append("\n- ").append(label).append(": ").append(d);
          }
        }
      }
      boolean freeText = options.isEmpty() || q.path("isOther").asBoolean(false);
      String title = q.path("header").asText(id);
      fields.add(
          new FormField(
              id, title.isBlank() ? id : title, help.toString(), freeText ? List.of() : options));
    }
    return new FormRequest("Codex session " + sessionId + " has a question for you.", fields);
  }

  /** The decision in an accepted approval form, or null when it is missing or not offered. */
  static String decision(FormAnswer answer, List<String> offered) {
    String d = answer.values().get(DECISION);
    return d != null && offered.contains(d) ? d : null;
  }

  /**
   * The {@code respond_user_input} answers of an accepted question form ({@code {id: {answers:
   * [value]}}}); null when a question is unanswered.
   */
  static ObjectNode answers(FormRequest form, FormAnswer answer) {
    ObjectNode out = Json.object();
    for (FormField f : form.fields()) {
      String v = answer.values().get(f.name());
      if (v == null) {
        return null;
      }
      out.putObject(f.name()).putArray("answers").add(v);
    }
    return out;
  }
}
