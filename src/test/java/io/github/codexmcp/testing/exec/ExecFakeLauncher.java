package io.github.codexmcp.testing.exec;

import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.testing.appserver.FakeChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ProcessLauncher} for exec turns: every start records the spec (and a copy of the
 * output-schema file it names, which the backend deletes when the turn ends) and returns a fresh
 * {@link FakeChildProcess} whose stdout the test scripts with {@link #emit}.
 */
public final class ExecFakeLauncher implements ProcessLauncher {
  private final List<ProcessSpec> specs = new CopyOnWriteArrayList<>();
  private final List<FakeChildProcess> children = new CopyOnWriteArrayList<>();
  private final List<String> schemas = new CopyOnWriteArrayList<>();
  private volatile IOException failure;
  private volatile boolean ignoreTerminate;

  @Override
  public ChildProcess start(ProcessSpec spec) throws IOException {
    specs.add(spec);
    if (failure != null) {
      throw failure;
    }
    int at = spec.command().indexOf("--output-schema");
    schemas.add(at < 0 ? null : Files.readString(Path.of(spec.command().get(at + 1))));
    FakeChildProcess child = new FakeChildProcess();
    if (ignoreTerminate) {
      child.ignoreTerminate();
    }
    children.add(child);
    return child;
  }

  public ExecFakeLauncher failWith(IOException e) {
    failure = e;
    return this;
  }

  /** Children started from now on keep running when terminated. */
  public ExecFakeLauncher ignoreTerminate() {
    ignoreTerminate = true;
    return this;
  }

  public List<ProcessSpec> specs() {
    return List.copyOf(specs);
  }

  public ProcessSpec spec() {
    return specs.get(specs.size() - 1);
  }

  /** The argv after the executable, of the latest start. */
  public List<String> args() {
    List<String> c = spec().command();
    return c.subList(1, c.size());
  }

  /** The output-schema file content of the latest start (null without the flag). */
  public String schema() {
    return schemas.get(schemas.size() - 1);
  }

  public int count() {
    return children.size();
  }

  public FakeChildProcess child() {
    return children.get(children.size() - 1);
  }

  public FakeChildProcess child(int index) {
    return children.get(index);
  }

  /** Writes JSONL lines (one per argument) to the child's stdout. */
  public static void emit(FakeChildProcess child, String... lines) {
    try {
      for (String line : lines) {
        child.peerOutput().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void stderr(FakeChildProcess child, String text) {
    try {
      child.peerError().write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
