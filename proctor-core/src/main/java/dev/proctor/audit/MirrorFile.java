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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The independent copy of the log: every receipt and checkpoint appended as one JSON line to a file
 * on a separate path, flushed to disk with each group commit. The file has the export format, so
 * {@code proctor audit verify} reads it directly.
 *
 * <p>Why it catches up instead of trusting its own bookkeeping: it is written after the store
 * commits, so a crash in between, or another process appending to the same store, leaves it behind.
 * Each append therefore takes the file lock, reads where the file ends (cutting off a torn last
 * line), and copies whatever the store holds beyond that before the new lines.
 *
 * <p>Why it reads the checkpoint lines at its end: several processes share one data directory, and
 * a checkpoint a process signed when closing may reach the file by another process's catch-up
 * before its own follower writes it, or not at all before another process's receipts follow. So an
 * append at the file's end first writes the store's checkpoints of that size the file lacks, and
 * never writes a checkpoint line the file already ends with: each line is written once, in order.
 * Processes lock the file; instances in one JVM (which cannot hold two locks on one file) also
 * share a lock per path.
 */
public final class MirrorFile implements AutoCloseable {

  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path path;
  private final FileChannel channel;
  private final ReentrantLock jvmLock;
  private long knownLength = -1;
  private long covered;
  // The checkpoint lines after the file's last receipt (all of size covered).
  private final Set<String> tail = new HashSet<>();

  private MirrorFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
    this.jvmLock =
        JVM_LOCKS.computeIfAbsent(path.toAbsolutePath().normalize(), k -> new ReentrantLock());
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

  @FunctionalInterface
  private interface Locked {
    void run() throws IOException;
  }

  /** Runs work holding this JVM's lock for the path and the file lock, with the end re-read. */
  private void locked(Locked work) throws IOException {
    jvmLock.lock();
    try {
      FileLock lock = channel.lock();
      try {
        refresh();
        work.run();
      } finally {
        lock.release();
      }
    } finally {
      jvmLock.unlock();
    }
  }

  /**
   * Appends the lines of committed batches for receipts {@code [first, end)} (a checkpoint-only
   * batch has {@code first == end}), after copying from {@code store} anything the mirror is
   * missing, and forces them to disk. Checkpoints of these sizes that other processes signed are
   * written in their place; a checkpoint line the file holds already is not written again.
   */
  void append(long first, long end, List<String> lines, LogReader store) throws IOException {
    locked(
        () -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 512);
          if (covered == first) {
            Map<Long, List<String>> others = new TreeMap<>();
            for (StoredCheckpoint c : store.checkpoints(first, end)) {
              others.computeIfAbsent(c.size(), k -> new ArrayList<>()).add(c.json());
            }
            long seq = first;
            for (String line : lines) {
              if (line.contains(RECEIPT_MARK)) {
                checkpoints(others.remove(seq), out);
                tail.clear();
                line(out, line);
                seq++;
              } else if (tail.add(line)) {
                line(out, line);
              }
            }
            checkpoints(others.remove(seq), out);
            write(out.toByteArray());
            covered = seq;
          } else if (covered < end) {
            catchUp(store, out);
          }
        });
  }

  private static final String RECEIPT_MARK = "\"schema\":\"" + ReceiptFormat.SCHEMA + "\"";

  private void checkpoints(List<String> jsons, ByteArrayOutputStream out) {
    if (jsons != null) {
      for (String json : jsons) {
        if (tail.add(json)) {
          line(out, json);
        }
      }
    }
  }

  /** Copies everything the store holds beyond the mirror's end; used on open and after a lag. */
  void catchUp(LogReader store) throws IOException {
    locked(() -> catchUp(store, new ByteArrayOutputStream()));
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
    List<StoredCheckpoint> checkpoints = store.checkpoints(covered, size);
    int[] next = {0};
    while (next[0] < checkpoints.size() && checkpoints.get(next[0]).size() <= covered) {
      checkpoints(List.of(checkpoints.get(next[0]++).json()), out);
    }
    store.scan(
        covered,
        size,
        (StoredEntry e) -> {
          tail.clear();
          line(out, e.json());
          while (next[0] < checkpoints.size()
              && checkpoints.get(next[0]).size() == e.sequence() + 1) {
            checkpoints(List.of(checkpoints.get(next[0]++).json()), out);
          }
        });
    if (out.size() > 0) {
      write(out.toByteArray());
    }
    covered = size;
  }

  private static void line(ByteArrayOutputStream out, String json) {
    out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  private void write(byte[] bytes) throws IOException {
    if (bytes.length == 0) {
      return;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long pos = channel.size();
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
    channel.force(false);
    knownLength = channel.size();
  }

  /**
   * Re-reads the end of the file when someone else changed it: cuts a torn last line, then reads
   * back over the checkpoint lines to the last receipt.
   */
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
    tail.clear();
    boolean last = true;
    while (end >= 0) {
      long start = lastNewline(end) + 1;
      ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
      channel.read(buf, start);
      String text = new String(buf.array(), StandardCharsets.UTF_8);
      JsonNode line = Json.MAPPER.readTree(buf.array());
      String schema = line.path("schema").asText();
      if (schema.equals(ReceiptFormat.SCHEMA)) {
        if (last) {
          covered = line.path("seq").asLong() + 1;
        }
        return;
      } else if (schema.equals(Checkpoint.SCHEMA)) {
        long size = line.path("size").asLong();
        if (last) {
          covered = size;
        }
        if (size != covered) {
          return;
        }
        tail.add(text);
      } else {
        throw new IOException(path + " holds a line that is neither receipt nor checkpoint");
      }
      last = false;
      end = start - 1;
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
  public void close() throws IOException {
    jvmLock.lock();
    try {
      channel.close();
    } finally {
      jvmLock.unlock();
    }
  }
}
