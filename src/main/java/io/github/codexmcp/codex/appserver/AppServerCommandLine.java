package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The argument list of {@code codex app-server}:
 *
 * <pre>
 * app-server [-c &lt;profile setting&gt;]... [-c model=&lt;m&gt;] [-c approval_policy=&lt;p&gt;]
 *            [-c sandbox_mode=&lt;s&gt;] [-c &lt;key&gt;=&lt;value&gt;]...
 * </pre>
 *
 * in exactly this order (spec 20 §3.1 step 7, with {@code -p <profile>} replaced by the profile's
 * settings, see {@link ProfileOverrides}); later {@code -c} settings win in Codex, so explicit
 * parameters override the profile. {@code advanced.config} entries follow in insertion order,
 * rendered by {@link ConfigValueFormat}. {@code approvalPolicy: "on-failure"} is sent as {@code
 * on-request}, the value 0.169 substitutes for it anyway (spec 80 §2). Thread-safe; stateless.
 */
public final class AppServerCommandLine {
  private AppServerCommandLine() {}

  /**
   * Arguments after the executable.
   *
   * @param profileOverrides {@code key=value} texts from {@link ProfileOverrides#resolve}, or an
   *     empty list
   */
  public static List<String> arguments(LaunchOptions options, List<String> profileOverrides) {
    List<String> args = new ArrayList<>();
    args.add("app-server");
    for (String o : profileOverrides) {
      args.add("-c");
      args.add(o);
    }
    if (options != null) {
      addIfPresent(args, "model", options.model());
      addIfPresent(args, "approval_policy", approvalPolicyForCodex(options.approvalPolicy()));
      addIfPresent(args, "sandbox_mode", options.sandbox());
      args.addAll(configArguments(options.config()));
    }
    return args;
  }

  /** {@code -c key=value} pairs for each entry of {@code config}, in insertion order. */
  public static List<String> configArguments(ObjectNode config) {
    List<String> args = new ArrayList<>();
    if (config == null) {
      return args;
    }
    for (Map.Entry<String, JsonNode> e : config.properties()) {
      args.add("-c");
      args.add(e.getKey() + "=" + ConfigValueFormat.format(e.getValue()));
    }
    return args;
  }

  /**
   * The approval policy to send to codex 0.169: {@code on-failure} (gone from its JSON API,
   * silently {@code on-request} in config) becomes {@code on-request}; other values unchanged.
   */
  public static String approvalPolicyForCodex(String policy) {
    return "on-failure".equals(policy) ? "on-request" : policy;
  }

  /** {@code approvalPolicy: "on-failure"} → {@code on-request} (rejected by 0.169's JSON API). */
  static JsonNode paramsForCodex(JsonNode params) {
    if (params == null || params.isNull()) {
      return Json.object();
    }
    JsonNode policy = params.get("approvalPolicy");
    if (params.isObject() && policy != null && "on-failure".equals(policy.asText(null))) {
      ObjectNode copy = ((ObjectNode) params).deepCopy();
      copy.put("approvalPolicy", approvalPolicyForCodex("on-failure"));
      return copy;
    }
    return params;
  }

  private static void addIfPresent(List<String> args, String key, String value) {
    if (value != null && !value.isBlank()) {
      args.add("-c");
      args.add(key + "=" + value);
    }
  }
}
