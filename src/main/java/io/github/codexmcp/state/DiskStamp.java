package io.github.codexmcp.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a session's files looked like when it was last read or written here: enough to tell, with
 * three {@code stat} calls and no read, whether another server changed them since. Documents are
 * replaced atomically (a new file each time), so a change shows in the file key (the inode), the
 * modification time or the size; the event log only grows.
 *
 * @param meta {@code meta.json} as found ({@link FileMark#NONE} when missing)
 * @param result {@code result.json} as found
 * @param eventsSize size of {@code events.jsonl} when looked at
 * @param eventsEnd byte offset after the last whole event line taken into the session's memory:
 *     where the next read of new events starts
 */
public record DiskStamp(FileMark meta, FileMark result, long eventsSize, long eventsEnd) {

  /**
   * The files could not be looked at (an I/O error other than a missing {@code meta.json}): not a
   * sign that the session is gone; try again later. Compared by identity.
   */
  public static final DiskStamp UNREADABLE =
      new DiskStamp(new FileMark("unreadable", -2, -2), FileMark.NONE, -2, -2);

  /** One file's identity, modification time (ns) and size; {@link #NONE} when it is missing. */
  public record FileMark(String key, long modifiedNanos, long size) {
    public static final FileMark NONE = new FileMark(null, -1, -1);

    /** The mark of {@code file} now ({@link #NONE} when it is missing). */
    public static FileMark of(Path file) throws IOException {
      try {
        BasicFileAttributes a =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object key = a.fileKey();
        return new FileMark(
            key == null ? null : key.toString(),
            a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
            a.size());
      } catch (NoSuchFileException e) {
        return NONE;
      }
    }
  }

  /**
   * The files of the session directory {@code dir} now, with {@code eventsEnd} as given; null when
   * it has no {@code meta.json} (gone, or not written yet); {@link #UNREADABLE} on any other error.
   */
  static DiskStamp of(Path dir, long eventsEnd) {
    try {
      FileMark meta = FileMark.of(dir.resolve("meta.json"));
      if (meta == FileMark.NONE) {
        return null;
      }
      FileMark result = FileMark.of(dir.resolve("result.json"));
      FileMark events = FileMark.of(dir.resolve("events.jsonl"));
      return new DiskStamp(meta, result, Math.max(0, events.size()), eventsEnd);
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
  }

  /** Whether {@code now} shows the same files (the read offset aside). */
  public boolean sameFiles(DiskStamp now) {
    return now != null
        && now != UNREADABLE
        && meta.equals(now.meta)
        && result.equals(now.result)
        && eventsSize == now.eventsSize;
  }

  /** This stamp, continuing the event log at {@code end}. */
  DiskStamp withEventsEnd(long end) {
    return new DiskStamp(meta, result, eventsSize, end);
  }
}
