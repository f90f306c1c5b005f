package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.SessionUsage;
import io.github.codexmcp.codex.UsageMeter;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.workspace.ChangeReceipt;
import io.github.codexmcp.workspace.FileChange;
import io.github.codexmcp.workspace.TurnChanges;
import io.github.codexmcp.workspace.WorkTreeSnapshot;
import io.github.codexmcp.workspace.WorktreeInfo;
import java.util.regex.Pattern;

/**
 * A session's orchestration state: its description, summed usage, its own worktree, what the
 * current turn changed according to Codex, the work tree's snapshot taken before the turn, the
 * review text of a review turn, and the receipt computed when the turn ended. Every member is
 * guarded by the owning session's lock: callers hold it. No I/O.
 */
final class SessionExtras {
  /** Longest description kept, in characters (code points). */
  static final int DESCRIPTION_MAX = 300;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private UsageMeter usage;
  private WorktreeInfo worktree;
  private TurnChanges changes = new TurnChanges();
  private WorkTreeSnapshot snapshot;
  private String reviewText;
  private ChangeReceipt receipt;
  private String description;

  SessionExtras(SessionUsage restoredUsage, WorktreeInfo worktree) {
    this.usage = new UsageMeter(restoredUsage);
    this.worktree = worktree;
  }

  /** State read back from disk at startup. */
  void restore(SessionUsage restoredUsage, WorktreeInfo restoredWorktree) {
    this.usage = new UsageMeter(restoredUsage);
    this.worktree = restoredWorktree;
  }

  /**
   * Completes a finished turn's result: the formatted review as its text (a review turn) and the
   * change receipt computed before the turn's end was applied.
   */
  void decorate(ObjectNode result) {
    if (reviewText != null && !reviewText.isBlank()) {
      result.put("text", reviewText);
    }
    OrchestrationJson.putReceipt(result, receipt);
  }

  /** What the session is about (its first prompt, see {@link #describe}), or null. */
  String description() {
    return description;
  }

  void description(String d) {
    this.description = d;
  }

  /**
   * A session's description made from its first prompt: on one line (runs of whitespace become one
   * space), at most {@value #DESCRIPTION_MAX} characters (longer ones are cut and end in {@code
   * …}); null for a missing or blank prompt.
   */
  static String describe(String prompt) {
    if (prompt == null || prompt.isBlank()) {
      return null;
    }
    String line = WHITESPACE.matcher(prompt.strip()).replaceAll(" ");
    if (line.codePointCount(0, line.length()) <= DESCRIPTION_MAX) {
      return line;
    }
    int end = line.offsetByCodePoints(0, DESCRIPTION_MAX - 1);
    return line.substring(0, end).stripTrailing() + "…";
  }

  SessionUsage usage() {
    return usage.usage();
  }

  WorktreeInfo worktree() {
    return worktree;
  }

  void worktree(WorktreeInfo w) {
    this.worktree = w;
  }

  /** A new turn begins: forget the previous turn's reports and keep {@code before} (or null). */
  void turnStarting(WorkTreeSnapshot before) {
    changes = new TurnChanges();
    snapshot = before;
    reviewText = null;
    receipt = null;
  }

  WorkTreeSnapshot snapshot() {
    return snapshot;
  }

  TurnChanges changes() {
    return changes;
  }

  /** The receipt of the turn that is ending, read when its result is built; null when none. */
  ChangeReceipt receipt() {
    return receipt;
  }

  /**
   * Builds the ending turn's receipt from Codex's reports and {@code fromGit} (null: git gave
   * nothing, or the directory is not a work tree); {@code cwd} is the session's directory.
   */
  void finishReceipt(java.nio.file.Path cwd, java.util.List<FileChange> fromGit) {
    if (snapshot != null) {
      receipt = changes.receipt(snapshot.cwd(), snapshot.top(), fromGit);
    } else if (cwd != null) {
      receipt = changes.receipt(cwd, null, null);
    }
  }

  /** The formatted review of a review turn, or null. */
  String reviewText() {
    return reviewText;
  }

  /** The backend was replaced: its token totals start over. */
  void backendRestarted() {
    usage.onBackendRestarted();
  }

  /** Takes what it needs from one Codex notification. */
  void observe(String method, JsonNode params) {
    switch (method) {
      case "thread/tokenUsage/updated" -> usage.onTokenUsageUpdated(params);
      case "turn/diff/updated" -> {
        String diff = Json.text(params, "diff");
        if (diff != null) {
          changes.recordTurnDiff(diff);
        }
      }
      case "item/completed" -> item(params == null ? null : params.get("item"));
      case "turn/completed" -> usage.onTurnCompleted(params);
      default -> {}
    }
  }

  private void item(JsonNode item) {
    if (item == null) {
      return;
    }
    String type = Json.text(item, "type");
    if ("fileChange".equals(type)) {
      String status = Json.text(item, "status");
      if ("failed".equals(status) || "declined".equals(status)) {
        return;
      }
      for (JsonNode c : item.path("changes")) {
        JsonNode kind = c.path("kind");
        String kindType = kind.isTextual() ? kind.asText() : Json.text(kind, "type");
        changes.recordPatch(Json.text(c, "path"), kindType, Json.text(kind, "move_path"));
      }
    } else if ("exitedReviewMode".equals(type)) {
      reviewText = Json.text(item, "review");
    }
  }
}
