package dev.proctor.store.jdbc;

import dev.proctor.store.LogStoreException;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.StoredEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The log's read queries, one SQL for SQLite and PostgreSQL (the schema is the same, see the
 * migrations), shared by each store's readers and write transactions. The one difference is the
 * column that orders checkpoints and co-signatures of one size as they were added: SQLite's {@code
 * rowid}, PostgreSQL's serial {@code id}.
 */
final class LogQueries {

  static final String SIZE = "SELECT COALESCE(MAX(seq) + 1, 0) FROM receipts";
  static final String LAST_STATE =
      "SELECT state FROM receipts WHERE action_id = ? ORDER BY seq DESC LIMIT 1";
  private static final String ENTRY = "SELECT seq, id, action_id, state, time_ms, json, hash";

  private final String insertionOrder;

  private LogQueries(String insertionOrder) {
    this.insertionOrder = insertionOrder;
  }

  /** SQLite's: checkpoints of one size in rowid order. */
  static final LogQueries SQLITE = new LogQueries("rowid");

  /** PostgreSQL's: checkpoints of one size in serial id order. */
  static final LogQueries POSTGRES = new LogQueries("id");

  long size(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(SIZE)) {
      return size(p);
    }
  }

  /** The size through a prepared {@link #SIZE}. */
  static long size(PreparedStatement p) throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  Optional<StoredEntry> entry(Connection c, long seq) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(ENTRY + " FROM receipts WHERE seq = ?")) {
      p.setLong(1, seq);
      return first(p);
    }
  }

  Optional<StoredEntry> entryById(Connection c, String id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(ENTRY + " FROM receipts WHERE id = ?")) {
      p.setString(1, id);
      return first(p);
    }
  }

  Optional<StoredEntry> lastEntry(Connection c, String actionId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            ENTRY + " FROM receipts WHERE action_id = ? ORDER BY seq DESC LIMIT 1")) {
      p.setString(1, actionId);
      return first(p);
    }
  }

  Optional<String> lastState(Connection c, String actionId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(LAST_STATE)) {
      return lastState(p, actionId);
    }
  }

  /** The last state through a prepared {@link #LAST_STATE}. */
  static Optional<String> lastState(PreparedStatement p, String actionId) throws SQLException {
    p.setString(1, actionId);
    try (ResultSet rs = p.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  List<StoredEntry> entriesOf(Connection c, String actionId, int limit) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(ENTRY + " FROM receipts WHERE action_id = ? ORDER BY seq LIMIT ?")) {
      p.setString(1, actionId);
      p.setInt(2, limit);
      return all(p);
    }
  }

  List<StoredEntry> range(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(ENTRY + " FROM receipts WHERE seq >= ? AND seq < ? ORDER BY seq")) {
      p.setLong(1, from);
      p.setLong(2, to);
      return all(p);
    }
  }

  /** A Merkle node: a receipt's hash at level 0, else a stored interior node. */
  byte[] node(Connection c, int level, long index) throws SQLException {
    if (level == 0) {
      try (PreparedStatement p = c.prepareStatement("SELECT hash FROM receipts WHERE seq = ?")) {
        p.setLong(1, index);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            return HexFormat.of().parseHex(rs.getString(1));
          }
        }
      }
    } else {
      try (PreparedStatement p =
          c.prepareStatement("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")) {
        p.setInt(1, level);
        p.setLong(2, index);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            return rs.getBytes(1);
          }
        }
      }
    }
    throw new LogStoreException("no Merkle node at level " + level + " index " + index);
  }

  long firstAtOrAfter(Connection c, long timeMillis) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT COALESCE(MIN(seq), (" + SIZE + ")) FROM receipts WHERE time_ms >= ?")) {
      p.setLong(1, timeMillis);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  Optional<StoredCheckpoint> latestCheckpoint(Connection c) throws SQLException {
    try (PreparedStatement p =
            c.prepareStatement(
                "SELECT size, time_ms, json FROM checkpoints ORDER BY size DESC, "
                    + insertionOrder
                    + " DESC LIMIT 1");
        ResultSet rs = p.executeQuery()) {
      return rs.next()
          ? Optional.of(new StoredCheckpoint(rs.getLong(1), rs.getLong(2), rs.getString(3)))
          : Optional.empty();
    }
  }

  List<StoredCheckpoint> checkpoints(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT size, time_ms, json FROM checkpoints WHERE size >= ? AND size <= ?"
                + " ORDER BY size, "
                + insertionOrder)) {
      p.setLong(1, from);
      p.setLong(2, to);
      List<StoredCheckpoint> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredCheckpoint(rs.getLong(1), rs.getLong(2), rs.getString(3)));
        }
      }
      return out;
    }
  }

  List<StoredCosignature> cosignatures(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT size, witness_key_id, json FROM cosignatures WHERE size >= ? AND size <= ?"
                + " ORDER BY size, "
                + insertionOrder)) {
      p.setLong(1, from);
      p.setLong(2, to);
      List<StoredCosignature> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredCosignature(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
      return out;
    }
  }

  private static Optional<StoredEntry> first(PreparedStatement p) throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
    }
  }

  private static List<StoredEntry> all(PreparedStatement p) throws SQLException {
    List<StoredEntry> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(entry(rs));
      }
    }
    return out;
  }

  private static StoredEntry entry(ResultSet rs) throws SQLException {
    return new StoredEntry(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getString(7));
  }
}
