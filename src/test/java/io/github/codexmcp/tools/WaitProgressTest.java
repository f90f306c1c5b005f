package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitProgressTest {
  @Test
  void eachRoundCountsUpAndTheClientIsCalledWithNoLockHeld() {
    List<Boolean> lockHeld = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    WaitProgress[] progress = new WaitProgress[1];
    RequestContext context =
        new RequestContext() {
          @Override
          public CompletableFuture<Void> cancelled() {
            return new CompletableFuture<>();
          }

          @Override
          public boolean wantsProgress() {
            return true;
          }

          @Override
          public void progress(double value, Double total, String message) {
            lockHeld.add(Thread.holdsLock(progress[0]));
            sent.add(value + " " + message);
          }
        };
    progress[0] = new WaitProgress(context);
    progress[0].accept(Json.object().put("phase", "starting"));
    progress[0].accept(Json.object().put("phase", "running").put("lastMethod", "item/started"));
    assertEquals(
        List.of("1.0 codex session starting", "2.0 codex session running (item/started)"), sent);
    assertEquals(List.of(false, false), lockHeld);
  }
}
