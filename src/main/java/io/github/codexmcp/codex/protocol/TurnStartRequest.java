package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code turn/start}: a prompt (plus local images) on a thread, with per-turn overrides. Null
 * fields are left out; {@code sandbox} is sent as Codex's {@code sandboxPolicy}.
 */
public record TurnStartRequest(
    String threadId,
    String prompt,
    List<Path> images,
    String model,
    String approvalPolicy,
    String effort,
    String summary,
    String personality,
    Path cwd,
    ObjectNode outputSchema,
    String sandbox) {

  public TurnStartRequest {
    images = images == null ? List.of() : List.copyOf(images);
  }

  /** The same turn with another reasoning effort (the minimal-effort fallback). */
  public TurnStartRequest withEffort(String newEffort) {
    return new TurnStartRequest(
        threadId,
        prompt,
        images,
        model,
        approvalPolicy,
        newEffort,
        summary,
        personality,
        cwd,
        outputSchema,
        sandbox);
  }

  /** Whether the turn asks for structured output (a non-empty schema). */
  public boolean hasOutputSchema() {
    return outputSchema != null && outputSchema.size() > 0;
  }

  public ObjectNode toParams() {
    ObjectNode o = Json.object();
    o.put("threadId", threadId);
    ArrayNode input = o.putArray("input");
    input.addObject().put("type", "text").put("text", prompt);
    for (Path img : images) {
      input.addObject().put("type", "localImage").put("path", img.toString());
    }
    Params.putIf(o, "model", model);
    Params.putIf(o, "approvalPolicy", Params.wireApprovalPolicy(approvalPolicy));
    Params.putIf(o, "effort", effort);
    Params.putIf(o, "summary", summary);
    Params.putIf(o, "personality", personality);
    if (cwd != null) {
      o.put("cwd", cwd.toString());
    }
    if (outputSchema != null) {
      o.set("outputSchema", outputSchema);
    }
    if (sandbox != null) {
      o.set("sandboxPolicy", sandboxPolicy(sandbox));
    }
    return o;
  }

  static ObjectNode sandboxPolicy(String sandbox) {
    switch (sandbox) {
      case "read-only":
        return Json.object().put("type", "readOnly");
      case "workspace-write":
        return Json.object().put("type", "workspaceWrite");
      default:
        return Json.object().put("type", "dangerFullAccess");
    }
  }
}
