package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One MCP tool. {@link #call} is invoked on a work thread after input-schema validation; it must
 * not block for long and must never throw (failures are {@link ToolOutcome}s).
 */
public interface ToolHandler {
  String name();

  /**
   * Cross-field checks beyond the JSON schema, reported like schema violations: each entry is
   * {@code path: message}. Empty when valid.
   */
  default List<String> validate(ObjectNode args) {
    return List.of();
  }

  CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context);

  /**
   * Whether a call with these (not yet validated) arguments only reads in-memory state: a few locks
   * held for microseconds, no I/O, no waiting. Such a call may run on the thread that read the
   * request instead of being handed to a work thread; on a busy machine every hand-over costs a
   * scheduling delay. Default false.
   */
  default boolean isQuickRead(ObjectNode args) {
    return false;
  }
}
