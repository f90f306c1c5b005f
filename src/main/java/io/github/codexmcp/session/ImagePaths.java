package io.github.codexmcp.session;

import io.github.codexmcp.util.CodexMcpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Confines {@code advanced.images} to the session's working directory.
 *
 * <p>An image is accepted when its real path (every symbolic link followed, dangling ones included)
 * lies inside the real path of {@code cwd}; with sandbox {@code danger-full-access} any path is
 * accepted. A path that resolves outside is refused with {@link #outsideMessage} before anything
 * looks at the file itself, so the answer for a path outside {@code cwd} is the same whether or not
 * it exists. Paths inside get the usual "does not exist" / "is not a file" errors. The path handed
 * to Codex is the resolved real path, not the one checked by name.
 *
 * <p>Stateless; called on the thread that handles the {@code codex} tool call; reads file
 * attributes and symbolic links, nothing else.
 */
public final class ImagePaths {
  /** The sandbox mode under which images are not confined to {@code cwd}. */
  public static final String UNCONFINED_SANDBOX = "danger-full-access";

  /** Bound on symbolic links followed while resolving one path (as the kernel's ELOOP). */
  static final int MAX_LINKS = 40;

  private ImagePaths() {}

  /** The refusal for an image whose real path is outside {@code cwd}; never names the file. */
  static String outsideMessage(String input) {
    return "image must be inside the session's working directory (cwd) unless sandbox is "
        + UNCONFINED_SANDBOX
        + ": "
        + input;
  }

  /**
   * Resolves image paths against {@code cwd}; each must be a readable regular file inside {@code
   * cwd} unless {@code sandbox} is {@value #UNCONFINED_SANDBOX}.
   *
   * @param images paths as given by the client (relative ones against {@code cwd}); null for none
   * @param cwd the session's working directory (absolute, an existing directory)
   * @param sandbox the session's requested sandbox mode, null when not given
   * @return the real paths to hand to Codex, in order
   */
  public static List<Path> resolve(List<String> images, Path cwd, String sandbox) {
    List<Path> out = new ArrayList<>();
    if (images == null || images.isEmpty()) {
      return out;
    }
    boolean confined = !UNCONFINED_SANDBOX.equals(sandbox);
    Path root = realPath(cwd.toAbsolutePath().normalize(), "cannot access cwd: " + cwd);
    for (String img : images) {
      Path named = named(img, cwd);
      Path real = realPath(named, confined ? outsideMessage(img) : "cannot access image: " + img);
      if (confined && !real.startsWith(root)) {
        throw CodexMcpException.invalid(outsideMessage(img));
      }
      if (!Files.exists(real)) {
        throw CodexMcpException.invalid("image does not exist: " + named);
      }
      if (!Files.isRegularFile(real)) {
        throw CodexMcpException.invalid("image is not a file: " + named);
      }
      if (!Files.isReadable(real)) {
        throw CodexMcpException.invalid("cannot access image: " + named);
      }
      out.add(real);
    }
    return out;
  }

  private static Path named(String input, Path cwd) {
    try {
      return cwd.resolve(input).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CodexMcpException.invalid("cannot access image: " + input);
    }
  }

  /**
   * The real path of absolute, normalized {@code p} without requiring it to exist: components are
   * walked from the root, each symbolic link (also a dangling one) is replaced by its target, and
   * {@code ..} steps up from the resolved directory, as the kernel does. Components that do not
   * exist are kept as they are.
   *
   * @param failure the error text when a link cannot be read or links loop: for a confined image
   *     the refusal itself, since such a path cannot be shown to be inside
   */
  static Path realPath(Path p, String failure) {
    Path cur = p.getRoot();
    Deque<Path> todo = new ArrayDeque<>();
    p.forEach(todo::addLast);
    int links = 0;
    while (!todo.isEmpty()) {
      String name = todo.removeFirst().toString();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        cur = cur.getParent() == null ? cur : cur.getParent();
        continue;
      }
      Path next = cur.resolve(name);
      if (!Files.isSymbolicLink(next)) {
        cur = next;
        continue;
      }
      if (++links > MAX_LINKS) {
        throw CodexMcpException.invalid(failure);
      }
      Path target;
      try {
        target = Files.readSymbolicLink(next);
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        throw CodexMcpException.invalid(failure);
      }
      List<Path> parts = new ArrayList<>();
      target.forEach(parts::add);
      for (int i = parts.size() - 1; i >= 0; i--) {
        todo.addFirst(parts.get(i));
      }
      if (target.isAbsolute()) {
        cur = target.getRoot();
      }
    }
    return cur;
  }
}
