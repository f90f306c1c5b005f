package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ActionType;
import io.github.codexmcp.codex.protocol.RequestKind;

/**
 * A request Codex parked for the client: an approval to decide or questions to answer.
 *
 * @param requestId the id the client answers with
 * @param itemId Codex's item id ({@code ""} when absent)
 * @param reason Codex's reason, or null
 * @param approvalId Codex's approval id, or null
 * @param params the request's params as Codex sent them
 */
public record PendingAction(
    String requestId,
    ActionType type,
    RequestKind kind,
    String itemId,
    String reason,
    String approvalId,
    ObjectNode params,
    String createdAt) {}
