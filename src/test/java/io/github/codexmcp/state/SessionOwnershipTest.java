package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probing or claiming a lock file this process has locked never opens it a second time: on Linux
 * closing that second descriptor would drop the process's lock while it still counts as held.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionOwnershipTest {
  static final String ID = "sess_owner000001";
  @TempDir Path tmp;

  @Test
  void probesAndClaimsOfALockedFileLeaveTheOsLockInPlace() throws Exception {
    StateFiles files = new StateFiles(StateFiles.supportsPosix(tmp));
    SessionOwnership mine = new SessionOwnership(tmp, files);
    SessionOwnership other = new SessionOwnership(tmp, files); // a second store of this JVM
    try {
      assertEquals(SessionOwnership.Claim.ACQUIRED, mine.tryAcquire(ID));
      assertFalse(mine.heldElsewhere(ID));
      assertTrue(other.heldElsewhere(ID));
      assertEquals(SessionOwnership.Claim.HELD_ELSEWHERE, other.tryAcquire(ID));
      assertTrue(mine.holds(ID));
      Path file = tmp.resolve(SessionOwnership.DIR_NAME).resolve(ID + ".lock");
      assertTrue(lockedForAnotherProcess(file), "the OS lock is still this process's");
      mine.release(ID, false);
      assertFalse(lockedForAnotherProcess(file));
      assertFalse(other.heldElsewhere(ID));
    } finally {
      mine.close();
      other.close();
    }
  }

  @Test
  void aHandBackAtRestIsKeptForTheKeeperOnceUntilClaimedAgain() throws IOException {
    StateFiles files = new StateFiles(StateFiles.supportsPosix(tmp));
    SessionOwnership owners = new SessionOwnership(tmp, files);
    DiskStamp.FileMark meta = new DiskStamp.FileMark("(dev=1,ino=2)", 5, 100);
    try {
      assertEquals(SessionOwnership.Claim.ACQUIRED, owners.tryAcquire(ID));
      long epoch = owners.epoch(ID);
      assertTrue(owners.releaseIf(ID, epoch, meta));
      assertEquals(meta, SessionOwnership.takeRestedHere(tmp, ID));
      assertEquals(null, SessionOwnership.takeRestedHere(tmp, ID), "taken once");

      assertEquals(SessionOwnership.Claim.ACQUIRED, owners.tryAcquire(ID));
      assertTrue(owners.releaseIf(ID, owners.epoch(ID), meta));
      assertEquals(SessionOwnership.Claim.ACQUIRED, owners.tryAcquire(ID));
      assertEquals(null, SessionOwnership.takeRestedHere(tmp, ID), "claimed again: dropped");

      long stale = owners.epoch(ID);
      owners.tryAcquire(ID); // claimed again before the hand-back
      assertFalse(owners.releaseIf(ID, stale, meta));
      assertEquals(null, SessionOwnership.takeRestedHere(tmp, ID), "not handed back");

      assertTrue(owners.releaseIf(ID, owners.epoch(ID), new DiskStamp.FileMark(null, 5, 100)));
      assertEquals(null, SessionOwnership.takeRestedHere(tmp, ID), "no file key: no answer");
    } finally {
      owners.close();
    }
  }

  @Test
  void aClaimMeetingAMomentaryHolderIsTriedOnceMore() throws IOException {
    StateFiles files = new StateFiles(StateFiles.supportsPosix(tmp));
    SessionOwnership other = new SessionOwnership(tmp, files);
    assertEquals(SessionOwnership.Claim.ACQUIRED, other.tryAcquire(ID));
    int[] pauses = {0};
    SessionOwnership server =
        new SessionOwnership(
            tmp,
            files,
            () -> {
              pauses[0]++;
              other.release(ID, false); // the momentary holder lets go during the pause
            });
    try {
      assertEquals(SessionOwnership.Claim.ACQUIRED, server.tryAcquire(ID));
      assertEquals(1, pauses[0]);
      assertTrue(server.holds(ID));
    } finally {
      server.close();
      other.close();
    }
  }

  @Test
  void aClaimOnASessionReallyHeldElsewhereStillFailsAfterOneRetry() throws IOException {
    StateFiles files = new StateFiles(StateFiles.supportsPosix(tmp));
    SessionOwnership other = new SessionOwnership(tmp, files);
    other.tryAcquire(ID);
    int[] pauses = {0};
    SessionOwnership server = new SessionOwnership(tmp, files, () -> pauses[0]++);
    try {
      assertEquals(SessionOwnership.Claim.HELD_ELSEWHERE, server.tryAcquire(ID));
      assertEquals(1, pauses[0]);
    } finally {
      other.close();
    }
  }

  @Test
  void theKeeperHoldsASessionOnlyWhileNobodyElseDoes() throws Exception {
    StateFiles files = new StateFiles(StateFiles.supportsPosix(tmp));
    SessionOwnership server = new SessionOwnership(tmp, files);
    server.tryAcquire(ID);
    assertTrue(SessionOwnership.holdIfFree(tmp, ID).isEmpty(), "a server holds it");
    assertTrue(server.holds(ID));
    Path file = tmp.resolve(SessionOwnership.DIR_NAME).resolve(ID + ".lock");
    assertTrue(lockedForAnotherProcess(file), "asking left the server's lock in place");
    server.release(ID, false);
    Optional<Closeable> held = SessionOwnership.holdIfFree(tmp, ID);
    assertTrue(held.isPresent());
    assertTrue(lockedForAnotherProcess(file), "held for the keeper's stop");
    held.get().close();
    assertFalse(lockedForAnotherProcess(file));
    assertEquals(SessionOwnership.Claim.ACQUIRED, server.tryAcquire(ID));
    server.close();
    assertTrue(SessionOwnership.holdIfFree(tmp, "sess_nolockfile01").isPresent(), "deleted");
  }

  @Test
  void aKeeperInTheServersOwnJvmAsksAndHoldsWithoutDroppingTheStoresLocks() throws Exception {
    StateFiles files = new StateFiles(StateFiles.supportsPosix(tmp));
    SessionOwnership server = new SessionOwnership(tmp, files);
    Path file = tmp.resolve(SessionOwnership.DIR_NAME).resolve(ID + ".lock");
    try {
      assertEquals(SessionOwnership.Claim.ACQUIRED, server.tryAcquire(ID));
      assertTrue(SessionOwnership.heldByAnyone(tmp, ID), "the server of this JVM drives it");
      assertTrue(lockedForAnotherProcess(file), "asking left the server's lock in place");
      server.release(ID, false);
      assertFalse(SessionOwnership.heldByAnyone(tmp, ID));

      Optional<Closeable> held = SessionOwnership.holdIfFree(tmp, ID);
      assertTrue(held.isPresent());
      assertTrue(SessionOwnership.heldByAnyone(tmp, ID));
      assertTrue(server.heldElsewhere(ID), "the keeper's hold counts as another holder");
      assertEquals(SessionOwnership.Claim.HELD_ELSEWHERE, server.tryAcquire(ID));
      assertTrue(lockedForAnotherProcess(file), "the store's claim left the keeper's lock alone");
      held.get().close();
      assertFalse(lockedForAnotherProcess(file));
      assertEquals(SessionOwnership.Claim.ACQUIRED, server.tryAcquire(ID));
      assertTrue(lockedForAnotherProcess(file));
    } finally {
      server.close();
    }
  }

  /** Whether another process fails to take an fcntl lock on {@code file} (python's lockf). */
  private static boolean lockedForAnotherProcess(Path file)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            "python3",
            "-c",
            "import fcntl,sys\n"
                + "f=open(sys.argv[1],'r+')\n"
                + "try:\n"
                + "  fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                + "except OSError:\n"
                + "  sys.exit(3)\n",
            file.toString());
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      assumeTrue(false, "python3 is needed to look at the lock from another process");
      throw e;
    }
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assumeTrue(p.exitValue() == 0 || p.exitValue() == 3, "python3 could not run the probe");
    return p.exitValue() == 3;
  }
}
