package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;

/**
 * A session's own git worktree as kept in {@code meta.json}: where it is, its branch, the base as
 * given and its commit, and the repository it belongs to. Immutable.
 */
public record PersistedWorktree(
    String path, String branch, String base, String baseCommit, String repository) {

  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("path", path);
    n.put("branch", branch);
    n.put("base", base);
    if (baseCommit != null) {
      n.put("baseCommit", baseCommit);
    }
    n.put("repository", repository);
    return n;
  }

  /** Lenient read: null unless an object with path, branch and repository. */
  static PersistedWorktree fromJson(JsonNode n) {
    String path = Json.text(n, "path");
    String branch = Json.text(n, "branch");
    String repository = Json.text(n, "repository");
    if (path == null || branch == null || repository == null) {
      return null;
    }
    String base = Json.text(n, "base");
    return new PersistedWorktree(
        path, branch, base == null ? "HEAD" : base, Json.text(n, "baseCommit"), repository);
  }
}
