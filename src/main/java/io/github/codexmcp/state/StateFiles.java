package io.github.codexmcp.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * File primitives of the state directory: owner-only creation, atomic replace, append, recursive
 * size and delete (never following symbolic links). Stateless apart from the POSIX flag;
 * thread-safe. Not final: tests put a failing file system (a full disk) behind the store here.
 */
class StateFiles {
  static final String TMP_PREFIX = ".tmp-";
  private static final Set<PosixFilePermission> DIR_PERMS =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_PERMS =
      PosixFilePermissions.fromString("rw-------");

  private final boolean posix;

  StateFiles(boolean posix) {
    this.posix = posix;
  }

  /** Whether the file system supports POSIX permissions (then dirs are 0700, files 0600). */
  static boolean supportsPosix(Path existingDir) {
    try {
      return Files.getFileStore(existingDir).supportsFileAttributeView("posix");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {@code p} or its nearest ancestor that exists (the root when none does). */
  static Path nearestExisting(Path p) {
    Path cur = p;
    while (cur != null && !Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
      cur = cur.getParent();
    }
    return cur == null ? p.getRoot() : cur;
  }

  /** Creates {@code dir} and missing parents; each directory created here gets 0700. */
  void createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(abs);
      restrict(abs, true);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw e;
      }
    }
  }

  /** Best-effort owner-only permissions. */
  void restrict(Path p, boolean directory) {
    if (!posix) {
      return;
    }
    try {
      Files.setPosixFilePermissions(p, directory ? DIR_PERMS : FILE_PERMS);
    } catch (IOException | RuntimeException e) {
      // best effort: foreign owner or a file system that rejects chmod
    }
  }

  /**
   * Writes {@code bytes} to a sibling {@code .tmp-<12 hex>} file (0600) and renames it over {@code
   * target}; the temp file is removed on failure.
   *
   * <p>The file is not forced to disk. What the state directory must survive is the death of the
   * server process (a crash, {@code kill -9}, the client closing it), and the rename alone makes
   * the write all-or-nothing for that: the page cache outlives the process. Forcing every document
   * (several per turn) cost about 4.5 ms of kernel CPU per turn on ext4 and stalled Codex's own
   * file writes behind journal commits while it was working. After an operating system crash a
   * document may be lost or empty; recovery skips such a session with a warning.
   */
  void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(TMP_PREFIX + randomHex());
    try {
      try (FileChannel ch = open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(ch, ByteBuffer.wrap(bytes));
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // reported through the original failure
      }
      throw e;
    }
  }

  /**
   * Appends {@code bytes} to {@code file}, creating it with 0600 when absent. All or nothing as far
   * as the file system allows: when the write fails part-way (a full disk) the file is cut back to
   * its old length, so that a retry does not follow half a line.
   */
  void append(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel ch =
        open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      long before = ch.size();
      try {
        writeFully(ch, bytes);
      } catch (IOException | RuntimeException e) {
        try {
          ch.truncate(before);
        } catch (IOException | RuntimeException ignored) {
          // recovery skips a torn line; the write failure is what gets reported
        }
        throw e;
      }
    }
  }

  /** Creates a new file with owner-only permissions and the given content; fails if it exists. */
  void createExclusive(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, ByteBuffer.wrap(bytes));
    }
  }

  private FileChannel open(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> opts = Set.of(options);
    if (posix) {
      FileAttribute<Set<PosixFilePermission>> attr =
          PosixFilePermissions.asFileAttribute(FILE_PERMS);
      try {
        return FileChannel.open(file, opts, attr);
      } catch (UnsupportedOperationException e) {
        // fall through: this particular file store has no POSIX view
      }
    }
    return FileChannel.open(file, opts);
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** Total size of the regular files below {@code dir}; links are not followed. */
  static long sizeRecursively(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              total[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE;
          }
        });
    return total[0];
  }

  /**
   * Deletes {@code dir} and everything below it without following links; returns false when it did
   * not exist.
   */
  static boolean deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            deleteQuietlyIfGone(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            deleteQuietlyIfGone(d);
            return FileVisitResult.CONTINUE;
          }
        });
    return true;
  }

  private static void deleteQuietlyIfGone(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // removed concurrently: fine
    }
  }

  /**
   * Twelve random hex digits for a temporary name. Not secret: the directory is the owner's alone
   * and the temporary file is created exclusively, so a fast generator will do (a secure one reads
   * the kernel's random device on every state write).
   */
  static String randomHex() {
    long bits = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL;
    return Long.toHexString(bits | (1L << 48)).substring(1); // the extra bit keeps leading zeros
  }
}
