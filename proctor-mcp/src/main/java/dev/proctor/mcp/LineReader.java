package dev.proctor.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads the MCP stdio transport's newline-delimited messages with a size limit: a line longer than
 * the limit is read to its end and dropped, keeping only its first {@code limit} bytes, so that one
 * huge message neither exhausts memory nor desynchronises the stream. Not thread-safe.
 */
final class LineReader {

  /** One line: its bytes (at most the limit), and whether the line was longer. */
  record Line(byte[] bytes, long length, boolean oversize) {}

  private final InputStream in;
  private final int limit;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int end;

  LineReader(InputStream in, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    this.in = in;
    this.limit = limit;
  }

  /** The next line without its newline (and carriage return); empty at the end of the stream. */
  Optional<Line> next() throws IOException {
    byte[] line = new byte[Math.min(limit, 8192)];
    int kept = 0;
    long length = 0;
    boolean any = false;
    while (true) {
      if (pos == end) {
        end = in.read(buffer, 0, buffer.length);
        pos = 0;
        if (end <= 0) {
          end = 0;
          // A last line without its newline still counts as a line.
          return any ? Optional.of(finish(line, kept, length)) : Optional.empty();
        }
      }
      any = true;
      int start = pos;
      while (pos < end && buffer[pos] != '\n') {
        pos++;
      }
      int n = pos - start;
      length += n;
      int room = limit - kept;
      if (room > 0) {
        int take = Math.min(room, n);
        if (kept + take > line.length) {
          line = Arrays.copyOf(line, Math.min(limit, Math.max(line.length * 2, kept + take)));
        }
        System.arraycopy(buffer, start, line, kept, take);
        kept += take;
      }
      if (pos < end) {
        pos++; // the newline
        return Optional.of(finish(line, kept, length));
      }
    }
  }

  private Line finish(byte[] line, int kept, long length) {
    if (length <= limit && kept > 0 && line[kept - 1] == '\r') {
      kept--;
      length--;
    }
    return new Line(Arrays.copyOf(line, kept), length, length > limit);
  }
}
