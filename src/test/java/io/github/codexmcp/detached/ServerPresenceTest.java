package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servers' presence lock: shared by the holds of one JVM, seen by other processes. */
class ServerPresenceTest {
  @TempDir Path dir;

  @Test
  void theHoldsOfOneJvmShareOneDescriptorUntilTheLastIsClosed() throws Exception {
    Path file = dir.resolve("servers.lock");
    assertFalse(ServerPresence.heldByAnyone(file));
    ServerPresence first = ServerPresence.hold(file).orElseThrow();
    ServerPresence second = ServerPresence.hold(dir.resolve(".").resolve("servers.lock")).get();
    assertTrue(ForeignLock.lockedForAnotherProcess(file));
    assertTrue(ServerPresence.heldByAnyone(file), "from memory, without a second descriptor");
    first.close();
    first.close();
    assertTrue(ForeignLock.lockedForAnotherProcess(file), "closing twice counts once");
    second.close();
    assertFalse(ForeignLock.lockedForAnotherProcess(file));
    assertFalse(ServerPresence.heldByAnyone(file));
  }

  @Test
  void aServerOfAnotherProcessIsSeenAndAKeeperLookingMeanwhileDelaysTheHold() throws Exception {
    Path file = dir.resolve("servers.lock");
    try (ForeignLock other = ForeignLock.hold(file)) {
      assertTrue(ServerPresence.heldByAnyone(file));
      assertTrue(ServerPresence.hold(file).isEmpty(), "an exclusive look: tried again later");
    }
    assertFalse(ServerPresence.heldByAnyone(file));
    try (ServerPresence p = ServerPresence.hold(file).orElseThrow()) {
      assertTrue(ForeignLock.lockedForAnotherProcess(file));
    }
  }
}
