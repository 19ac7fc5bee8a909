package dev.proctor.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The compact range of a log: the roots of the perfect subtrees that make up its first {@code size}
 * leaves, largest first — at most 64 hashes, whatever the log's size. Appending a leaf merges equal
 * subtrees and reports each new perfect node so that a store can keep it for proofs.
 */
final class Frontier {

  /** Receives each perfect node a new leaf completes. */
  @FunctionalInterface
  interface NodeSink {
    void node(int level, long index, byte[] hash);
  }

  private final List<byte[]> hashes;
  private long size;

  Frontier(long size, List<byte[]> hashes) {
    if (Long.bitCount(size) != hashes.size()) {
      throw new IllegalArgumentException(
          "a log of size " + size + " has " + Long.bitCount(size) + " frontier hashes");
    }
    this.size = size;
    this.hashes = new ArrayList<>(hashes);
  }

  static Frontier empty() {
    return new Frontier(0, List.of());
  }

  /** Loads the frontier of a log of {@code size} leaves from its perfect nodes. */
  static Frontier load(Merkle.Nodes nodes, long size) {
    List<byte[]> hashes = new ArrayList<>();
    long offset = 0;
    for (int level = 63; level >= 0; level--) {
      long span = 1L << level;
      if ((size & span) != 0) {
        hashes.add(nodes.node(level, offset >>> level));
        offset += span;
      }
    }
    return new Frontier(size, hashes);
  }

  Frontier copy() {
    return new Frontier(size, hashes);
  }

  long size() {
    return size;
  }

  List<byte[]> hashes() {
    return List.copyOf(hashes);
  }

  /** Adds a leaf hash; reports the leaf (level 0) and every node it completes. */
  void append(byte[] leafHash, NodeSink sink) {
    long index = size;
    sink.node(0, index, leafHash);
    byte[] h = leafHash;
    int level = 0;
    // Each trailing one bit of the old size is a perfect subtree of the same level to merge with.
    while (((index >>> level) & 1) == 1) {
      byte[] left = hashes.remove(hashes.size() - 1);
      h = Merkle.nodeHash(left, h);
      level++;
      sink.node(level, index >>> level, h);
    }
    hashes.add(h);
    size++;
  }

  /** The root of the tree the frontier stands for. */
  byte[] root() {
    if (hashes.isEmpty()) {
      return Merkle.emptyRoot();
    }
    byte[] r = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      r = Merkle.nodeHash(hashes.get(i), r);
    }
    return r;
  }
}
