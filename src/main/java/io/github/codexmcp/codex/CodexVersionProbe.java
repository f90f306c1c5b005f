package io.github.codexmcp.codex;

import io.github.codexmcp.process.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code codex --version}, run at most once per process (the result, even null, is cached).
 *
 * <p><b>Concurrency.</b> {@link #get} may be called from any thread. The first caller wins {@code
 * answer} (compare-and-set) and runs the command on its own thread, holding no lock (blocking up to
 * the runner's timeout); callers meanwhile wait for that run's answer (its future), not for a
 * monitor, and never run the command a second time.
 */
public final class CodexVersionProbe implements Supplier<String> {
  private static final Pattern VERSION =
      Pattern.compile("v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?");
  private final CommandRunner runner;
  private final List<String> invocation;
  private final AtomicReference<CompletableFuture<String>> answer = new AtomicReference<>();

  public CodexVersionProbe(CommandRunner runner, List<String> invocation) {
    this.runner = runner;
    this.invocation = List.copyOf(invocation);
  }

  @Override
  public String get() {
    CompletableFuture<String> known = answer.get();
    if (known == null) {
      CompletableFuture<String> mine = new CompletableFuture<>();
      if (answer.compareAndSet(null, mine)) {
        try {
          mine.complete(probe());
        } finally {
          mine.complete(null); // whatever happened, nobody waits for ever
        }
        return mine.join();
      }
      known = answer.get();
    }
    return known.join();
  }

  private String probe() {
    try {
      List<String> argv = new ArrayList<>(invocation);
      argv.add("--version");
      CommandRunner.Result r = runner.run(argv, Map.of(), Duration.ofMillis(1500));
      if (r.spawnError() != null || r.timedOut()) {
        return null;
      }
      return parse(r.combined());
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String parse(String combined) {
    if (combined == null || combined.isEmpty()) {
      return null;
    }
    Matcher m = VERSION.matcher(combined);
    if (m.find()) {
      String v = m.group();
      return v.startsWith("v") ? v.substring(1) : v;
    }
    return null;
  }
}
