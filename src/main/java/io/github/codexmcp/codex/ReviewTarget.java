package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.Objects;

/**
 * What a Codex review looks at ({@code review/start}'s {@code target}): the uncommitted changes,
 * the changes against a base branch, one commit, or free-form instructions. {@code title} is an
 * optional label for a commit.
 */
public record ReviewTarget(
    Kind kind, String branch, String sha, String title, String instructions) {
  /** The target types, with their wire names. */
  public enum Kind {
    UNCOMMITTED_CHANGES("uncommittedChanges"),
    BASE_BRANCH("baseBranch"),
    COMMIT("commit"),
    CUSTOM("custom");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The kind with this wire name, or null. */
    public static Kind fromWire(String s) {
      for (Kind k : values()) {
        if (k.wire.equals(s)) {
          return k;
        }
      }
      return null;
    }
  }

  public ReviewTarget {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.BASE_BRANCH && (branch == null || branch.isBlank())) {
      throw new IllegalArgumentException("a baseBranch review needs a branch");
    }
    if (kind == Kind.COMMIT && (sha == null || sha.isBlank())) {
      throw new IllegalArgumentException("a commit review needs a sha");
    }
    if (kind == Kind.CUSTOM && (instructions == null || instructions.isBlank())) {
      throw new IllegalArgumentException("a custom review needs instructions");
    }
  }

  /** {@code review/start} params for an inline review on {@code threadId}. */
  public ObjectNode toParams(String threadId) {
    ObjectNode target = Json.object();
    target.put("type", kind.wire());
    switch (kind) {
      case BASE_BRANCH -> target.put("branch", branch);
      case COMMIT -> {
        target.put("sha", sha);
        if (title != null && !title.isBlank()) {
          target.put("title", title);
        }
      }
      case CUSTOM -> target.put("instructions", instructions);
      default -> {}
    }
    ObjectNode params = Json.object();
    params.put("threadId", threadId);
    params.set("target", target);
    params.put("delivery", "inline");
    return params;
  }
}
