package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Session-level launch settings ({@code codex} tool parameters). Nullable fields are absent. {@code
 * config} holds {@code advanced.config} in insertion order.
 */
public record LaunchOptions(
    String profile,
    String model,
    String approvalPolicy,
    String sandbox,
    ObjectNode config,
    Path cwd) {}
