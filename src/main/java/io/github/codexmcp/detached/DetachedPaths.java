package io.github.codexmcp.detached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the detached app-servers of one state directory keep their sockets, logs and records.
 *
 * <p>A unix socket path is limited to about 108 bytes, so the sockets cannot live under an
 * arbitrary state directory. They go to a short per-user runtime directory: {@code
 * $XDG_RUNTIME_DIR/codex-mcp} when that is set, else {@code <tmp>/codex-mcp-<user>}; under it one
 * directory per state directory, named by the first 12 hex digits of the SHA-256 of the state
 * directory's real path; in it, per session, {@code <sessionId>.sock}, {@code .log} and {@code
 * .json} (the record the keeper reads), plus {@code keeper.lock}, {@code servers.lock} and {@code
 * keeper.log}. Every directory is owner-only (0700); a directory owned by another user is refused.
 * Immutable.
 */
public record DetachedPaths(Path dir, Path stateDir) {
  private static final Logger LOG = LoggerFactory.getLogger(DetachedPaths.class);

  /** The paths for {@code stateDir}, creating the directories; empty when unusable. */
  public static Optional<DetachedPaths> forStateDir(Path stateDir, Map<String, String> env) {
    try {
      Path real = stateDir.toRealPath();
      Path root = runtimeRoot(env);
      Path dir = root.resolve(hash(real.toString()));
      ensurePrivateDir(root);
      ensurePrivateDir(dir);
      return Optional.of(new DetachedPaths(dir, real));
    } catch (IOException | RuntimeException e) {
      LOG.warn("[detached] No runtime directory for detached app-servers: {}", e.toString());
      return Optional.empty();
    }
  }

  static Path runtimeRoot(Map<String, String> env) {
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      Path p = Path.of(xdg);
      if (p.isAbsolute() && Files.isDirectory(p) && Files.isWritable(p)) {
        return p.resolve("codex-mcp");
      }
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "codex-mcp-" + user);
  }

  static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void ensurePrivateDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir);
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    String me = System.getProperty("user.name");
    String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    if (me != null && !me.equals(owner)) {
      throw new IOException(dir + " belongs to " + owner + ", not " + me);
    }
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    }
  }

  public Path socket(String sessionId) {
    return dir.resolve(sessionId + ".sock");
  }

  public Path log(String sessionId) {
    return dir.resolve(sessionId + ".log");
  }

  public Path record(String sessionId) {
    return dir.resolve(sessionId + ".json");
  }

  public Path keeperLock() {
    return dir.resolve("keeper.lock");
  }

  /** Held (shared) by every live server that keeps this directory ({@link ServerPresence}). */
  public Path servers() {
    return dir.resolve("servers.lock");
  }

  public Path keeperLog() {
    return dir.resolve("keeper.log");
  }
}
