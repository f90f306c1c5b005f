package io.github.codexmcp.session;

/** A fork: the new idle session and its thread. */
public record ForkResult(String sessionId, String threadId) {}
