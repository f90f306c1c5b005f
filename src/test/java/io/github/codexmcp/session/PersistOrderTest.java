package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session is settled on disk only once every document snapshot taken has been handed to the
 * store: a session is not handed back to other servers before (its slot would be gone and the save
 * of its resting status dropped).
 */
class PersistOrderTest {
  @TempDir Path cwd;

  @Test
  void aSnapshotTakenButNotYetSavedKeepsTheSessionUnsettled() {
    SessionFixture f = new SessionFixture(cwd);
    String id = f.idleSession();
    Session s = f.manager.registry.find(id);
    assertNotNull(s);
    assertTrue(s.persistOrder.settled(), "every transition so far was carried out");
    Effects e;
    synchronized (s) {
      e = s.effects(new Effects.Builder().meta()); // a transition's snapshot, under the lock
    }
    assertFalse(s.persistOrder.settled(), "taken, not yet saved: not to be handed back");
    f.manager.effects.apply(s, e); // its effects, after the lock
    assertTrue(s.persistOrder.settled());
  }
}
