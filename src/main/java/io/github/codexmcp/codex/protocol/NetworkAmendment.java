package io.github.codexmcp.codex.protocol;

/**
 * A network policy change a client approves with {@link Decision#APPLY_NETWORK_POLICY_AMENDMENT}.
 */
public record NetworkAmendment(String action, String host) {}
