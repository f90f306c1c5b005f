package io.github.codexmcp.testing;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link BackendFactory} handing out {@link FakeCodexBackend}s. Every created backend is kept
 * ({@link #created()}); a configurer applied on creation lets a test script the next backends (for
 * example a failing {@code start} for a fork's new child) before the session layer uses them.
 */
public final class FakeBackendFactory implements BackendFactory {
  private final List<FakeCodexBackend> created = new ArrayList<>();
  private final List<Consumer<FakeCodexBackend>> nextConfigurers = new ArrayList<>();
  private Consumer<FakeCodexBackend> everyConfigurer = b -> {};
  private BackendMode mode = BackendMode.APP_SERVER;
  private RuntimeException createFailure;

  /** Sessions whose (pretend) Codex process outlived its server: {@link #survives} says so. */
  public final java.util.Set<String> survivors = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Sessions {@link #discard} was called for, in order. */
  public final List<String> discarded = new java.util.concurrent.CopyOnWriteArrayList<>();

  public FakeBackendFactory() {}

  public FakeBackendFactory(BackendMode mode) {
    this.mode = mode;
  }

  @Override
  public synchronized CodexBackend create(String sessionId, LaunchOptions options) {
    if (createFailure != null) {
      throw createFailure;
    }
    FakeCodexBackend b = new FakeCodexBackend(sessionId, options).mode(mode);
    everyConfigurer.accept(b);
    if (!nextConfigurers.isEmpty()) {
      nextConfigurers.remove(0).accept(b);
    }
    created.add(b);
    return b;
  }

  @Override
  public BackendMode mode() {
    return mode;
  }

  @Override
  public boolean survives(String sessionId) {
    return survivors.contains(sessionId);
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> discard(String sessionId) {
    discarded.add(sessionId);
    survivors.remove(sessionId);
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** Applies {@code configurer} to the next created backend only (queued in order). */
  public synchronized FakeBackendFactory configureNext(Consumer<FakeCodexBackend> configurer) {
    nextConfigurers.add(configurer);
    return this;
  }

  /** Applies {@code configurer} to every later backend, before any per-backend configurer. */
  public synchronized FakeBackendFactory configureEvery(Consumer<FakeCodexBackend> configurer) {
    everyConfigurer = configurer;
    return this;
  }

  /** Makes {@link #create} throw (a factory that cannot build a backend). */
  public synchronized FakeBackendFactory failCreate(RuntimeException error) {
    createFailure = error;
    return this;
  }

  /** Backends created so far, in order. */
  public synchronized List<FakeCodexBackend> created() {
    return List.copyOf(created);
  }

  /** The most recently created backend. */
  public synchronized FakeCodexBackend last() {
    if (created.isEmpty()) {
      throw new AssertionError("no backend created");
    }
    return created.get(created.size() - 1);
  }

  /** The backend created for {@code sessionId}. */
  public synchronized FakeCodexBackend forSession(String sessionId) {
    for (FakeCodexBackend b : created) {
      if (sessionId.equals(b.sessionId())) {
        return b;
      }
    }
    throw new AssertionError("no backend for " + sessionId);
  }
}
