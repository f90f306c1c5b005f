package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.appserver.AppServerCommandLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The argument list of one {@code codex exec --json} turn (everything after the executable).
 *
 * <p>First turn:
 *
 * <pre>
 * exec --json --skip-git-repo-check [-m &lt;model&gt;] [-s &lt;sandbox&gt;] [-C &lt;cwd&gt;] [-i &lt;image&gt;]...
 *      [-c &lt;profile setting&gt;]... [-c approval_policy=&lt;p&gt;] [-c &lt;key&gt;=&lt;value&gt;]...
 *      [--output-schema &lt;file&gt;] -- &lt;prompt&gt;
 * </pre>
 *
 * Resume turn:
 *
 * <pre>
 * exec [-s &lt;sandbox&gt;] [-C &lt;cwd&gt;] resume &lt;threadId&gt; --json --skip-git-repo-check [-m &lt;model&gt;]
 *      [-i &lt;image&gt;]... [-c &lt;profile setting&gt;]... [-c approval_policy=&lt;p&gt;]
 *      [-c &lt;key&gt;=&lt;value&gt;]... [--output-schema &lt;file&gt;] -- &lt;prompt&gt;
 * </pre>
 *
 * <p>Why this shape (codex 0.169, spec 90 §5.2 and spec 80 §6):
 *
 * <ul>
 *   <li>The prompt comes last, after {@code --}: {@code -i} takes several values and would swallow
 *       a bare prompt, and a prompt starting with {@code -} would be read as a flag.
 *   <li>{@code exec resume} rejects {@code -s}, {@code -C} and {@code -p} after the {@code resume}
 *       word (usage error, exit 2), but exec-level options placed <em>before</em> it apply to the
 *       resumed run. So sandbox and cwd changes work on every turn, unlike the reference, which
 *       dropped them after the first turn.
 *   <li>{@code --output-schema} is accepted by {@code exec resume} since 0.169.
 *   <li>No {@code -p}: a profile is passed as its settings ({@code -c}, {@link
 *       io.github.codexmcp.codex.appserver.ProfileOverrides}), exactly as in app-server mode, so a
 *       profile means the same in both modes and on every turn (0.169's {@code -p} aborts when
 *       config.toml still has a legacy {@code [profiles.x]} table, and cannot follow {@code
 *       resume}). The settings come before the explicit {@code -c} values so those win; {@code
 *       -m}/{@code -s}/{@code -C} flags outrank any {@code -c}.
 *   <li>{@code approvalPolicy: "on-failure"} is sent as {@code on-request}. (Exec runs with
 *       approval {@code never} whatever is passed; the value is forwarded for completeness.)
 *   <li>Never {@code --ephemeral}: the rollout must persist for the next {@code resume}.
 * </ul>
 *
 * <p>Thread-safe; stateless.
 */
public final class ExecCommandLine {
  private ExecCommandLine() {}

  /**
   * Everything one turn's command line needs. Nullable fields are absent; lists are never null.
   *
   * @param resumeThreadId the CLI thread id to resume, or null for a fresh {@code exec}
   * @param prompt the prompt text (required, may be empty)
   * @param images image paths, one {@code -i} each
   * @param model {@code -m}
   * @param sandbox {@code -s}: {@code read-only}, {@code workspace-write}, {@code
   *     danger-full-access}
   * @param cwd {@code -C}
   * @param profileOverrides {@code key=value} texts from {@link
   *     io.github.codexmcp.codex.appserver.ProfileOverrides#resolve}
   * @param approvalPolicy {@code -c approval_policy=}
   * @param config {@code advanced.config}, one {@code -c} per entry in insertion order
   * @param outputSchema {@code --output-schema} file
   */
  public record Turn(
      String resumeThreadId,
      String prompt,
      List<String> images,
      String model,
      String sandbox,
      Path cwd,
      List<String> profileOverrides,
      String approvalPolicy,
      ObjectNode config,
      Path outputSchema) {
    public Turn {
      Objects.requireNonNull(prompt, "prompt");
      images = images == null ? List.of() : List.copyOf(images);
      profileOverrides = profileOverrides == null ? List.of() : List.copyOf(profileOverrides);
    }
  }

  /** The arguments after the executable. */
  public static List<String> arguments(Turn t) {
    List<String> args = new ArrayList<>();
    args.add("exec");
    boolean resume = t.resumeThreadId() != null;
    if (resume) {
      addFlag(args, "-s", t.sandbox());
      addFlag(args, "-C", t.cwd() == null ? null : t.cwd().toString());
      args.add("resume");
      args.add(t.resumeThreadId());
    }
    args.add("--json");
    args.add("--skip-git-repo-check");
    addFlag(args, "-m", t.model());
    if (!resume) {
      addFlag(args, "-s", t.sandbox());
      addFlag(args, "-C", t.cwd() == null ? null : t.cwd().toString());
    }
    for (String image : t.images()) {
      args.add("-i");
      args.add(image);
    }
    for (String o : t.profileOverrides()) {
      args.add("-c");
      args.add(o);
    }
    String policy = AppServerCommandLine.approvalPolicyForCodex(t.approvalPolicy());
    if (policy != null && !policy.isBlank()) {
      args.add("-c");
      args.add("approval_policy=" + policy);
    }
    args.addAll(AppServerCommandLine.configArguments(t.config()));
    if (t.outputSchema() != null) {
      args.add("--output-schema");
      args.add(t.outputSchema().toString());
    }
    args.add("--");
    args.add(t.prompt());
    return args;
  }

  /**
   * The {@code -s} value for a turn-level {@code sandboxPolicy} type ({@code readOnly}, {@code
   * workspaceWrite}, {@code dangerFullAccess}); null for anything else (e.g. {@code
   * externalSandbox}, which exec cannot express).
   */
  public static String sandboxForPolicy(String policyType) {
    if (policyType == null) {
      return null;
    }
    switch (policyType) {
      case "readOnly":
        return "read-only";
      case "workspaceWrite":
        return "workspace-write";
      case "dangerFullAccess":
        return "danger-full-access";
      default:
        return null;
    }
  }

  private static void addFlag(List<String> args, String flag, String value) {
    if (value != null && !value.isBlank()) {
      args.add(flag);
      args.add(value);
    }
  }
}
