package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.codex.BackendListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerDispatcherTest {
  private final List<String> calls = new ArrayList<>();

  private final BackendListener listener =
      new BackendListener() {
        @Override
        public void onNotification(String method, JsonNode params) {
          calls.add(method);
        }

        @Override
        public void onServerRequest(JsonNode id, String method, JsonNode params) {}

        @Override
        public void onExit(Integer code, String signal) {}

        @Override
        public void onError(Throwable error) {}

        @Override
        public void onBatchStart() {
          calls.add("[");
        }

        @Override
        public void onBatchEnd() {
          calls.add("]");
        }
      };

  @Test
  void aBatchIsEndedOnItsListenerEvenWhenSilencedMeanwhile() {
    ListenerDispatcher d = new ListenerDispatcher("s");
    d.set(listener);
    d.batchStart();
    d.deliver(l -> l.onNotification("a", null));
    d.silence();
    d.deliver(l -> l.onNotification("b", null));
    d.batchEnd();
    d.batchEnd();
    assertEquals(List.of("[", "a", "]"), calls, "a held inbox would never run what it holds");
  }

  @Test
  void noBatchWithoutAListener() {
    ListenerDispatcher d = new ListenerDispatcher("s");
    d.batchStart();
    d.set(listener);
    d.batchEnd();
    assertEquals(List.of(), calls);
  }
}
