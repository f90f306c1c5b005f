package io.github.codexmcp.testing.appserver;

import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link ProcessLauncher} that starts {@link FakeChildProcess}es, each driven by a {@link
 * ScriptedAppServer} (customised through {@link #script}), or fails with a configured error.
 */
public final class FakeLauncher implements ProcessLauncher {
  private final List<ProcessSpec> specs = new CopyOnWriteArrayList<>();
  private final List<FakeChildProcess> children = new CopyOnWriteArrayList<>();
  private final List<ScriptedAppServer> peers = new CopyOnWriteArrayList<>();
  private volatile Consumer<ScriptedAppServer> script = peer -> {};
  private volatile IOException failure;

  @Override
  public ChildProcess start(ProcessSpec spec) throws IOException {
    specs.add(spec);
    if (failure != null) {
      throw failure;
    }
    FakeChildProcess child = new FakeChildProcess();
    ScriptedAppServer peer = new ScriptedAppServer(child);
    script.accept(peer);
    children.add(child);
    peers.add(peer);
    return child;
  }

  /** Customises each new peer before the client talks to it. */
  public FakeLauncher script(Consumer<ScriptedAppServer> script) {
    this.script = script;
    return this;
  }

  /** Makes every later start fail. */
  public FakeLauncher failWith(IOException failure) {
    this.failure = failure;
    return this;
  }

  public List<ProcessSpec> specs() {
    return List.copyOf(specs);
  }

  public FakeChildProcess child() {
    return children.get(children.size() - 1);
  }

  public ScriptedAppServer peer() {
    return peers.get(peers.size() - 1);
  }
}
