package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 section 2.1 over SHA-256: leaf hashes {@code SHA-256(0x00 || data)},
 * node hashes {@code SHA-256(0x01 || left || right)}, audit paths (inclusion proofs) and
 * consistency proofs, built and verified with the RFC's own algorithms.
 *
 * <p>Why it is shaped this way: a log of a million receipts must prove inclusion in well under a
 * millisecond, so proofs are built from the hashes of <em>perfect</em> subtrees (2^h leaves that
 * start at a multiple of 2^h), which never change once complete and which a store keeps by (level,
 * index). Every subtree the RFC's recursion asks for is either perfect or splits into O(log n)
 * perfect ones, so a proof costs O(log n) look-ups whatever the log's size, and a proof can be
 * built for any earlier tree size too.
 */
public final class Merkle {

  /** Bytes in one hash. */
  public static final int HASH_SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private Merkle() {}

  /** Reads the hash of a perfect subtree: level 0 is a leaf hash, level h covers 2^h leaves. */
  @FunctionalInterface
  public interface Nodes {
    /** The hash of the perfect subtree at {@code level} covering leaves from index·2^level. */
    byte[] node(int level, long index);
  }

  /** SHA-256 of the empty string: the root of the empty tree. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** The leaf hash of some data: {@code SHA-256(0x00 || data)}. */
  public static byte[] leafHash(byte[] data) {
    MessageDigest md = sha256();
    md.update(LEAF_PREFIX);
    md.update(data);
    return md.digest();
  }

  /** The hash of an interior node: {@code SHA-256(0x01 || left || right)}. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The root of the tree of the first {@code size} leaves. */
  public static byte[] root(Nodes nodes, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
    return size == 0 ? emptyRoot() : subtree(nodes, 0, size);
  }

  /**
   * MTH(D[from:to]) for a range the RFC's recursion produces: {@code from} is a multiple of the
   * smallest power of two not below {@code to - from}.
   */
  static byte[] subtree(Nodes nodes, long from, long to) {
    long size = to - from;
    if (Long.bitCount(size) == 1 && from % size == 0) {
      int level = Long.numberOfTrailingZeros(size);
      return requireNonNull(nodes.node(level, from >>> level), "missing node");
    }
    long k = largestPowerOfTwoBelow(size);
    return nodeHash(subtree(nodes, from, from + k), subtree(nodes, from + k, to));
  }

  /**
   * The audit path for leaf {@code index} in the tree of {@code size} leaves (RFC 9162 2.1.3.1).
   */
  public static List<byte[]> inclusionProof(Nodes nodes, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<byte[]> path = new ArrayList<>(64);
    path(nodes, index, 0, size, path);
    return path;
  }

  private static void path(Nodes nodes, long m, long from, long to, List<byte[]> out) {
    long n = to - from;
    if (n <= 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(nodes, m, from, from + k, out);
      out.add(subtree(nodes, from + k, to));
    } else {
      path(nodes, m - k, from + k, to, out);
      out.add(subtree(nodes, from, from + k));
    }
  }

  /**
   * The proof that the tree of {@code first} leaves is a prefix of the tree of {@code second}
   * leaves (RFC 9162 2.1.4.1); empty when either size is zero or both are equal.
   */
  public static List<byte[]> consistencyProof(Nodes nodes, long first, long second) {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException(
          "no consistency proof from size " + first + " to size " + second);
    }
    List<byte[]> proof = new ArrayList<>(64);
    if (first > 0 && first < second) {
      subproof(nodes, first, 0, second, true, proof);
    }
    return proof;
  }

  private static void subproof(
      Nodes nodes, long m, long from, long to, boolean whole, List<byte[]> out) {
    long n = to - from;
    if (m == n) {
      if (!whole) {
        out.add(subtree(nodes, from, to));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(nodes, m, from, from + k, whole, out);
      out.add(subtree(nodes, from + k, to));
    } else {
      subproof(nodes, m - k, from + k, to, false, out);
      out.add(subtree(nodes, from, from + k));
    }
  }

  /** Recomputes the root from a leaf hash and its audit path (RFC 9162 2.1.3.2). */
  public static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> path)
      throws ProofException {
    if (index < 0 || index >= size) {
      throw new ProofException("leaf " + index + " is not in a tree of size " + size);
    }
    checkHash(leafHash, "leaf hash");
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      checkHash(p, "proof element");
      if (sn == 0) {
        throw new ProofException("inclusion proof is longer than the tree is deep");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new ProofException("inclusion proof is shorter than the tree is deep");
    }
    return r;
  }

  /** Checks an inclusion proof against a root and throws {@link ProofException} if it fails. */
  public static void verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> path, byte[] root)
      throws ProofException {
    checkHash(root, "root");
    if (!Arrays.equals(rootFromInclusion(index, size, leafHash, path), root)) {
      throw new ProofException("inclusion proof leads to a different root");
    }
  }

  /**
   * Checks that the tree of {@code first} leaves with root {@code firstRoot} is a prefix of the
   * tree of {@code second} leaves with root {@code secondRoot} (RFC 9162 2.1.4.2).
   */
  public static void verifyConsistency(
      long first, long second, List<byte[]> proof, byte[] firstRoot, byte[] secondRoot)
      throws ProofException {
    if (first < 0 || first > second) {
      throw new ProofException("size " + first + " cannot precede size " + second);
    }
    if (first == second) {
      if (!proof.isEmpty()) {
        throw new ProofException("a proof between equal sizes must be empty");
      }
      if (!Arrays.equals(firstRoot, secondRoot)) {
        throw new ProofException("two different roots for the same size " + first + ": a fork");
      }
      return;
    }
    if (first == 0) {
      if (!proof.isEmpty()) {
        throw new ProofException("a proof from the empty tree must be empty");
      }
      return;
    }
    checkHash(firstRoot, "first root");
    checkHash(secondRoot, "second root");
    if (proof.isEmpty()) {
      throw new ProofException("empty consistency proof");
    }
    for (byte[] c : proof) {
      checkHash(c, "proof element");
    }
    List<byte[]> path = proof;
    if (Long.bitCount(first) == 1) {
      path = new ArrayList<>(proof.size() + 1);
      path.add(firstRoot);
      path.addAll(proof);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        throw new ProofException("consistency proof is too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new ProofException("consistency proof is too short");
    }
    if (!Arrays.equals(fr, firstRoot)) {
      throw new ProofException("consistency proof does not lead to the first root");
    }
    if (!Arrays.equals(sr, secondRoot)) {
      throw new ProofException("consistency proof does not lead to the second root");
    }
  }

  /** The largest power of two strictly below {@code n}, for n of at least 2. */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  private static void checkHash(byte[] h, String what) throws ProofException {
    if (h == null || h.length != HASH_SIZE) {
      throw new ProofException(what + " is not a " + HASH_SIZE + "-byte hash");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
