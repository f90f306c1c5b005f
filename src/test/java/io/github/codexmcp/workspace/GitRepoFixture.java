package io.github.codexmcp.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexmcp.process.CommandRunner;
import io.github.codexmcp.process.SystemCommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A throwaway git repository for tests, driven by the real git. */
final class GitRepoFixture {
  static final CommandRunner RUNNER = new SystemCommandRunner();
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final Path dir;

  GitRepoFixture(Path dir) {
    this.dir = dir;
  }

  static GitRepoFixture init(Path dir) throws IOException {
    Files.createDirectories(dir);
    GitRepoFixture f = new GitRepoFixture(dir);
    f.git("init", "-q", "-b", "main");
    f.git("config", "user.email", "t@example.invalid");
    f.git("config", "user.name", "t");
    f.git("config", "commit.gpgsign", "false");
    return f;
  }

  GitRepoFixture write(String path, String text) throws IOException {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return this;
  }

  GitRepoFixture commitAll(String message) {
    git("add", "-A");
    git("commit", "-q", "-m", message);
    return this;
  }

  String git(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("git");
    argv.add("-C");
    argv.add(dir.toString());
    argv.addAll(List.of(args));
    CommandRunner.Result r = RUNNER.run(argv, Map.of(), TIMEOUT);
    assertEquals(0, r.exitCode(), () -> String.join(" ", argv) + ": " + r.combined());
    return r.stdout();
  }
}
