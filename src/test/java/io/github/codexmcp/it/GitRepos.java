package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Git repositories for end-to-end tests, driven by the real git. */
final class GitRepos {
  private GitRepos() {}

  /** Makes {@code dir} a git repository with one commit holding {@code old.txt} ("gone\n"). */
  static Path init(Path dir) throws IOException {
    Files.writeString(dir.resolve("old.txt"), "gone\n", StandardCharsets.UTF_8);
    git(dir, "init", "-q", "-b", "main");
    git(dir, "config", "user.email", "it@example.invalid");
    git(dir, "config", "user.name", "it");
    git(dir, "config", "commit.gpgsign", "false");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "base");
    return dir;
  }

  /** stdout and stderr of {@code git -C dir args}, which must succeed. */
  static String git(Path dir, String... args) {
    List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
    argv.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), () -> argv + ": " + out);
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
