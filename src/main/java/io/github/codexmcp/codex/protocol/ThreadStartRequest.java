package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;

/** {@code thread/start}: a new thread in {@code cwd}. Null fields are left out. */
public record ThreadStartRequest(
    Path cwd,
    String model,
    String approvalPolicy,
    String sandbox,
    String personality,
    Boolean ephemeral,
    String baseInstructions,
    String developerInstructions,
    ObjectNode config) {

  public ObjectNode toParams() {
    ObjectNode o = Json.object();
    o.put("cwd", cwd.toString());
    Params.putIf(o, "model", model);
    Params.putIf(o, "approvalPolicy", Params.wireApprovalPolicy(approvalPolicy));
    Params.putIf(o, "sandbox", sandbox);
    Params.putIf(o, "personality", personality);
    if (ephemeral != null) {
      o.put("ephemeral", ephemeral);
    }
    Params.putIf(o, "baseInstructions", baseInstructions);
    Params.putIf(o, "developerInstructions", developerInstructions);
    if (config != null) {
      o.set("config", config);
    }
    return o;
  }
}
