package io.github.codexmcp.codex;

/**
 * Where the Codex executable was found. {@code source} is one of {@code env_path}, {@code
 * env_command}, {@code auto_detect}, {@code default}.
 */
public record ResolvedExecutable(String command, boolean isPath, String source) {}
