package io.github.codexmcp.state;

import io.github.codexmcp.util.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a {@link JsonFileStateStore}: the directories (0700), the ownership locks' directory and
 * a write probe; any failure gives the memory-only store with the reason. Stateless; blocks on disk
 * (start-up only).
 */
final class StoreOpening {
  private static final Logger LOG = LoggerFactory.getLogger(JsonFileStateStore.class);

  private StoreOpening() {}

  static StateStore open(Path dir, Clock clock, ProcessTable processes) {
    Path root = dir.toAbsolutePath().normalize();
    StateFiles files;
    try {
      new StateFiles(StateFiles.supportsPosix(StateFiles.nearestExisting(root)))
          .createDirectories(root);
      files = new StateFiles(StateFiles.supportsPosix(root));
      Path sessions = root.resolve("sessions");
      files.createDirectories(sessions);
      files.restrict(sessions, true);
    } catch (IOException | RuntimeException e) {
      return disabled(
          root, "Cannot create state directory " + root + ": " + BatchWriter.describe(e));
    }
    SessionOwnership owners;
    try {
      owners = new SessionOwnership(root, files);
    } catch (IOException | RuntimeException e) {
      return disabled(
          root,
          "Cannot create "
              + root.resolve(SessionOwnership.DIR_NAME)
              + ": "
              + BatchWriter.describe(e));
    }
    try {
      Path probe = root.resolve("sessions").resolve(StateFiles.TMP_PREFIX + StateFiles.randomHex());
      files.createExclusive(probe, new byte[0]);
      Files.delete(probe);
    } catch (IOException | RuntimeException e) {
      return disabled(
          root, "State directory " + root + " is not writable: " + BatchWriter.describe(e));
    }
    LOG.info("[codex-mcp] STATE_DIR opened (shared with any other server on it)");
    return new JsonFileStateStore(root, files, owners, processes, clock);
  }

  private static StateStore disabled(Path root, String reason) {
    LOG.warn("[codex-mcp] WARNING: persistence disabled, running memory-only: {}", reason);
    return new NoopStateStore(root, reason);
  }
}
