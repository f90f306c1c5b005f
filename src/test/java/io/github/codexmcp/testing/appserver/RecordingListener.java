package io.github.codexmcp.testing.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.codex.BackendListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Records every {@link BackendListener} call with the calling thread's name. */
public class RecordingListener implements BackendListener {
  /** One recorded call. */
  public record Event(
      String kind, String method, JsonNode id, JsonNode params, Object detail, String thread) {}

  private final List<Event> events = new ArrayList<>();

  @Override
  public void onNotification(String method, JsonNode params) {
    add(new Event("notification", method, null, params, null, Thread.currentThread().getName()));
  }

  @Override
  public void onServerRequest(JsonNode id, String method, JsonNode params) {
    add(new Event("request", method, id, params, null, Thread.currentThread().getName()));
  }

  @Override
  public void onExit(Integer code, String signal) {
    add(new Event("exit", null, null, null, code + "/" + signal, Thread.currentThread().getName()));
  }

  @Override
  public void onError(Throwable error) {
    add(new Event("error", null, null, null, error, Thread.currentThread().getName()));
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  public synchronized List<Event> events(String kind) {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (e.kind().equals(kind)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Waits until {@code count} events match. */
  public List<Event> await(Predicate<Event> match, int count) throws TimeoutException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    synchronized (this) {
      while (true) {
        List<Event> hits = new ArrayList<>();
        for (Event e : events) {
          if (match.test(e)) {
            hits.add(e);
          }
        }
        if (hits.size() >= count) {
          return hits;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("have " + events);
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted");
        }
      }
    }
  }

  public List<Event> awaitKind(String kind, int count) throws TimeoutException {
    return await(e -> e.kind().equals(kind), count);
  }

  private synchronized void add(Event e) {
    events.add(e);
    notifyAll();
  }
}
