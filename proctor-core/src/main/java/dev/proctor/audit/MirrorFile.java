package dev.proctor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.store.LogReader;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The independent copy of the log: every receipt and checkpoint appended as one JSON line to a file
 * on a separate path, flushed to disk with each group commit. The file has the export format, so
 * {@code proctor audit verify} reads it directly.
 *
 * <p>Why it catches up instead of trusting its own bookkeeping: it is written after the store
 * commits, so a crash in between, or another process appending to the same store, leaves it behind.
 * Each append therefore takes the file lock, reads where the file ends (cutting off a torn last
 * line), and copies whatever the store holds beyond that before the new lines.
 */
public final class MirrorFile implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;
  private long knownLength = -1;
  private long covered;
  private long lastCheckpointLine = -1;

  private MirrorFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Opens (creating if needed) the mirror file at a path. */
  public static MirrorFile open(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new MirrorFile(path, ch);
  }

  /** The mirror's path. */
  public Path path() {
    return path;
  }

  /**
   * Appends the lines of a committed batch whose first receipt has sequence {@code first}, after
   * copying from {@code store} anything the mirror is missing, and forces them to disk.
   */
  synchronized void append(
      long first, long end, List<String> lines, boolean endsWithCheckpoint, LogReader store)
      throws IOException {
    FileLock lock = channel.lock();
    try {
      refresh();
      ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 512);
      if (covered == first) {
        for (String line : lines) {
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
        write(out.toByteArray());
        covered = end;
        lastCheckpointLine = endsWithCheckpoint ? end : -1;
      } else if (covered < end) {
        catchUp(store, out);
      }
    } finally {
      lock.release();
    }
  }

  /** Copies everything the store holds beyond the mirror's end; used on open and after a lag. */
  synchronized void catchUp(LogReader store) throws IOException {
    FileLock lock = channel.lock();
    try {
      refresh();
      catchUp(store, new ByteArrayOutputStream());
    } finally {
      lock.release();
    }
  }

  private void catchUp(LogReader store, ByteArrayOutputStream out) throws IOException {
    long size = store.size();
    if (covered > size) {
      throw new IOException(
          path
              + " holds "
              + covered
              + " receipts but the store only "
              + size
              + ": not the same log");
    }
    List<StoredCheckpoint> checkpoints = new ArrayList<>(store.checkpoints(covered, size));
    if (lastCheckpointLine == covered) {
      checkpoints.removeIf(c -> c.size() == covered);
    }
    int[] next = {0};
    while (next[0] < checkpoints.size() && checkpoints.get(next[0]).size() <= covered) {
      line(out, checkpoints.get(next[0]++).json());
    }
    store.scan(
        covered,
        size,
        (StoredEntry e) -> {
          line(out, e.json());
          while (next[0] < checkpoints.size()
              && checkpoints.get(next[0]).size() == e.sequence() + 1) {
            line(out, checkpoints.get(next[0]++).json());
          }
        });
    if (out.size() > 0) {
      write(out.toByteArray());
    }
    covered = size;
    lastCheckpointLine = -1;
  }

  private static void line(ByteArrayOutputStream out, String json) {
    out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long pos = channel.size();
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
    channel.force(false);
    knownLength = channel.size();
  }

  /** Re-reads the end of the file when someone else changed it; cuts a torn last line. */
  private void refresh() throws IOException {
    long len = channel.size();
    if (len == knownLength) {
      return;
    }
    long end = lastNewline(len);
    if (end + 1 < len) {
      channel.truncate(end + 1);
      channel.force(false);
    }
    knownLength = end + 1;
    covered = 0;
    lastCheckpointLine = -1;
    if (end < 0) {
      return;
    }
    long start = lastNewline(end) + 1;
    ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
    channel.read(buf, start);
    JsonNode last = Json.MAPPER.readTree(buf.array());
    String schema = last.path("schema").asText();
    if (schema.equals(ReceiptFormat.SCHEMA)) {
      covered = last.path("seq").asLong() + 1;
    } else if (schema.equals(Checkpoint.SCHEMA)) {
      covered = last.path("size").asLong();
      lastCheckpointLine = covered;
    } else {
      throw new IOException(path + " ends with a line that is neither receipt nor checkpoint");
    }
  }

  /** The offset of the last newline before {@code limit}, or -1. */
  private long lastNewline(long limit) throws IOException {
    long pos = limit;
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (pos > 0) {
      int n = (int) Math.min(buf.capacity(), pos);
      buf.clear().limit(n);
      channel.read(buf, pos - n);
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return pos - n + i;
        }
      }
      pos -= n;
    }
    return -1;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
