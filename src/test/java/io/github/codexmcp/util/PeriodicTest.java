package io.github.codexmcp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexmcp.testing.ManualTimer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {
  private final ManualTimer timer = new ManualTimer();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void runsOncePerPeriodWhileEachRunAsksForTheNext() {
    Periodic[] p = new Periodic[1];
    p[0] =
        new Periodic(
            timer,
            Duration.ofSeconds(1),
            () -> {
              runs.incrementAndGet();
              p[0].schedule();
            });
    p[0].start();
    timer.advance(Duration.ofMillis(999));
    assertEquals(0, runs.get());
    timer.advance(Duration.ofSeconds(3));
    assertEquals(3, runs.get());
  }

  @Test
  void aRunThatDoesNotAskForTheNextIsTheLast() {
    Periodic p = new Periodic(timer, Duration.ofSeconds(1), runs::incrementAndGet);
    p.start();
    timer.advance(Duration.ofSeconds(5));
    assertEquals(1, runs.get());
  }

  @Test
  void stopCancelsTheNextRunAndScheduleDoesNothingAfterwards() {
    Periodic p = new Periodic(timer, Duration.ofSeconds(1), runs::incrementAndGet);
    p.start();
    p.stop();
    p.schedule();
    timer.advance(Duration.ofSeconds(5));
    assertEquals(0, runs.get());
    assertEquals(0, timer.pending());
  }

  @Test
  void aScheduleRacingWithStopArmsNoFurtherRun() {
    // stop() lands between schedule()'s check of running and its store of the next run
    Periodic[] p = new Periodic[1];
    Timer racing =
        (delay, task) -> {
          p[0].stop();
          return timer.schedule(delay, task);
        };
    p[0] = new Periodic(racing, Duration.ofSeconds(1), runs::incrementAndGet);
    p[0].start();
    timer.advance(Duration.ofSeconds(5));
    assertEquals(0, runs.get());
    assertEquals(0, timer.pending());
  }
}
