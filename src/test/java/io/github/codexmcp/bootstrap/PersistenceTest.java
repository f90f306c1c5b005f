package io.github.codexmcp.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.util.Json;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The persistence hook never waits for the store to open: calls made meanwhile are replayed. */
class PersistenceTest {
  @Test
  void callsBeforeTheStoreIsOpenAreQueuedThenReplayedInOrder() {
    CompletableFuture<StateStore> opening = new CompletableFuture<>();
    Persistence p = Persistence.over(opening);
    StateStore store = mock(StateStore.class);
    when(store.enabled()).thenReturn(true);
    ObjectNode meta = Json.object().put("status", "running");
    ObjectNode result = Json.object().put("status", "completed");
    p.saveMeta("s1", meta);
    p.appendEvent("s1", Json.object().put("type", "progress"));
    p.saveResult("s1", result);
    assertFalse(p.delete("s2"), "not open yet: nothing removed now");
    assertFalse(p.enabled(), "not known before the store is open");
    verifyNoInteractions(store);

    opening.complete(store);

    InOrder order = inOrder(store);
    order.verify(store).saveMeta("s1", meta);
    order.verify(store).appendEvent(eq("s1"), any(ObjectNode.class));
    order.verify(store).saveResult("s1", result);
    order.verify(store).deleteSession("s2");
    p.saveMeta("s1", meta);
    verify(store, org.mockito.Mockito.times(2)).saveMeta("s1", meta);
  }
}
