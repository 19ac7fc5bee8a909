package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MerkleTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final JsonNode VECTORS = load();

  private static JsonNode load() {
    try (InputStream in = MerkleTest.class.getResourceAsStream("rfc6962-vectors.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<byte[]> leafHashes(int n) {
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hashes.add(Merkle.leafHash(HEX.parseHex(VECTORS.get("leaves").get(i).asText())));
    }
    return hashes;
  }

  /** MTH straight from the RFC's definition, to check the stored-node version against. */
  private static byte[] naive(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return Merkle.emptyRoot();
    }
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1);
    return Merkle.nodeHash(naive(leaves, from, from + k), naive(leaves, from + k, to));
  }

  private static Merkle.Nodes nodes(List<byte[]> leaves) {
    return (level, index) -> naive(leaves, (int) (index << level), (int) ((index + 1) << level));
  }

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(h -> out.add(HEX.parseHex(h.asText())));
    return out;
  }

  @Test
  void root_publishedVectors_matchForEverySize() {
    List<byte[]> leaves = leafHashes(8);
    for (int size = 1; size <= 8; size++) {
      assertThat(HEX.formatHex(Merkle.root(nodes(leaves), size)))
          .as("root of size %d", size)
          .isEqualTo(VECTORS.get("roots").get(size - 1).asText());
    }
    assertThat(HEX.formatHex(Merkle.root(nodes(leaves), 0)))
        .isEqualTo(VECTORS.get("emptyRoot").asText());
  }

  @Test
  void frontier_appendingVectors_givesPublishedRoots() {
    Frontier f = Frontier.empty();
    List<byte[]> leaves = leafHashes(8);
    for (int i = 0; i < 8; i++) {
      f.append(leaves.get(i), (level, index, hash) -> {});
      assertThat(HEX.formatHex(f.root())).isEqualTo(VECTORS.get("roots").get(i).asText());
    }
  }

  static Stream<JsonNode> inclusionVectors() {
    List<JsonNode> list = new ArrayList<>();
    VECTORS.get("inclusion").forEach(list::add);
    return list.stream();
  }

  @ParameterizedTest
  @MethodSource("inclusionVectors")
  void inclusionProof_publishedVector_isBuiltAndVerifies(JsonNode v) throws ProofException {
    long leaf = v.get("leaf").asLong();
    long size = v.get("size").asLong();
    List<byte[]> leaves = leafHashes(8);
    List<byte[]> proof = hashes(v.get("proof"));
    assertThat(Merkle.inclusionProof(nodes(leaves), leaf, size))
        .extracting(HEX::formatHex)
        .containsExactlyElementsOf(proof.stream().map(HEX::formatHex).toList());
    byte[] root = HEX.parseHex(VECTORS.get("roots").get((int) size - 1).asText());
    Merkle.verifyInclusion(leaf, size, leaves.get((int) leaf), proof, root);
  }

  @ParameterizedTest
  @MethodSource("inclusionVectors")
  void verifyInclusion_corruptedVector_fails(JsonNode v) {
    long leaf = v.get("leaf").asLong();
    long size = v.get("size").asLong();
    byte[] leafHash = leafHashes(8).get((int) leaf);
    List<byte[]> proof = hashes(v.get("proof"));
    byte[] root = HEX.parseHex(VECTORS.get("roots").get((int) size - 1).asText());
    List<Runnable> probes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    names.add("leaf+1");
    probes.add(() -> check(leaf + 1, size, leafHash, proof, root));
    names.add("leaf-1");
    probes.add(() -> check(leaf - 1, size, leafHash, proof, root));
    names.add("size*2");
    probes.add(() -> check(leaf, size * 2, leafHash, proof, root));
    names.add("size/2");
    probes.add(() -> check(leaf, size / 2, leafHash, proof, root));
    names.add("wrong leaf");
    probes.add(() -> check(leaf, size, Merkle.leafHash(new byte[] {9}), proof, root));
    names.add("empty root");
    probes.add(() -> check(leaf, size, leafHash, proof, Merkle.emptyRoot()));
    names.add("trailing root");
    probes.add(() -> check(leaf, size, leafHash, plus(proof, root, false), root));
    names.add("preceding root");
    probes.add(() -> check(leaf, size, leafHash, plus(proof, root, true), root));
    names.add("trailing garbage");
    probes.add(() -> check(leaf, size, leafHash, plus(proof, new byte[0], false), root));
    for (int i = 0; i < proof.size(); i++) {
      List<byte[]> flipped = new ArrayList<>(proof);
      byte[] h = flipped.get(i).clone();
      h[0] ^= 8;
      flipped.set(i, h);
      names.add("flipped " + i);
      probes.add(() -> check(leaf, size, leafHash, flipped, root));
    }
    if (!proof.isEmpty()) {
      names.add("removed last");
      probes.add(() -> check(leaf, size, leafHash, proof.subList(0, proof.size() - 1), root));
    }
    for (int i = 0; i < probes.size(); i++) {
      assertThatThrownBy(probes.get(i)::run).as(names.get(i)).isInstanceOf(AssertionError.class);
    }
  }

  private static void check(
      long leaf, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    try {
      Merkle.verifyInclusion(leaf, size, leafHash, proof, root);
    } catch (ProofException e) {
      throw new AssertionError(e.getMessage());
    }
  }

  private static List<byte[]> plus(List<byte[]> proof, byte[] h, boolean front) {
    List<byte[]> out = new ArrayList<>(proof);
    if (front) {
      out.add(0, h);
    } else {
      out.add(h);
    }
    return out;
  }

  static Stream<JsonNode> consistencyVectors() {
    List<JsonNode> list = new ArrayList<>();
    VECTORS.get("consistency").forEach(list::add);
    return list.stream();
  }

  @ParameterizedTest
  @MethodSource("consistencyVectors")
  void consistencyProof_publishedVector_isBuiltAndVerifies(JsonNode v) throws ProofException {
    long size1 = v.get("size1").asLong();
    long size2 = v.get("size2").asLong();
    List<byte[]> leaves = leafHashes(8);
    List<byte[]> proof = hashes(v.get("proof"));
    if (size1 != size2) {
      assertThat(Merkle.consistencyProof(nodes(leaves), size1, size2))
          .extracting(HEX::formatHex)
          .containsExactlyElementsOf(proof.stream().map(HEX::formatHex).toList());
    }
    byte[] root1 = HEX.parseHex(VECTORS.get("roots").get((int) size1 - 1).asText());
    byte[] root2 = HEX.parseHex(VECTORS.get("roots").get((int) size2 - 1).asText());
    Merkle.verifyConsistency(size1, size2, proof, root1, root2);
    if (!proof.isEmpty()) {
      assertThatThrownBy(() -> Merkle.verifyConsistency(size1, size2, proof, root2, root1))
          .isInstanceOf(ProofException.class);
      assertThatThrownBy(
              () ->
                  Merkle.verifyConsistency(
                      size1, size2, proof.subList(1, proof.size()), root1, root2))
          .isInstanceOf(ProofException.class);
      for (int i = 0; i < proof.size(); i++) {
        List<byte[]> flipped = new ArrayList<>(proof);
        byte[] h = flipped.get(i).clone();
        h[0] ^= 16;
        flipped.set(i, h);
        assertThatThrownBy(() -> Merkle.verifyConsistency(size1, size2, flipped, root1, root2))
            .as("flipped %d", i)
            .isInstanceOf(ProofException.class);
      }
    }
  }

  @Test
  void verifyConsistency_edgeCases_followTheRfc() throws ProofException {
    byte[] a = Merkle.leafHash(new byte[] {1});
    byte[] b = Merkle.leafHash(new byte[] {2});
    Merkle.verifyConsistency(0, 0, List.of(), a, a);
    Merkle.verifyConsistency(0, 5, List.of(), a, b);
    Merkle.verifyConsistency(3, 3, List.of(), b, b);
    assertThatThrownBy(() -> Merkle.verifyConsistency(3, 3, List.of(), a, b))
        .hasMessageContaining("fork");
    assertThatThrownBy(() -> Merkle.verifyConsistency(2, 1, List.of(), a, b))
        .isInstanceOf(ProofException.class);
    assertThatThrownBy(() -> Merkle.verifyConsistency(1, 2, List.of(), a, b))
        .isInstanceOf(ProofException.class);
  }

  @Test
  void proofs_randomTreesUpTo130Leaves_verifyForEveryPair() throws ProofException {
    Random random = new Random(6962);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      byte[] data = new byte[random.nextInt(20)];
      random.nextBytes(data);
      leaves.add(Merkle.leafHash(data));
    }
    Merkle.Nodes nodes = nodes(leaves);
    Frontier f = Frontier.empty();
    for (int n = 1; n <= leaves.size(); n++) {
      f.append(leaves.get(n - 1), (level, index, hash) -> {});
      byte[] root = naive(leaves, 0, n);
      assertThat(f.root()).isEqualTo(root);
      assertThat(Merkle.root(nodes, n)).isEqualTo(root);
      for (int m = 0; m < n; m += 1 + random.nextInt(5)) {
        Merkle.verifyInclusion(m, n, leaves.get(m), Merkle.inclusionProof(nodes, m, n), root);
        Merkle.verifyConsistency(
            m, n, Merkle.consistencyProof(nodes, m, n), naive(leaves, 0, m), root);
      }
    }
  }

  @Test
  void frontier_append_reportsEveryPerfectNodeOnce() {
    List<long[]> seen = new ArrayList<>();
    Frontier f = Frontier.empty();
    for (int i = 0; i < 16; i++) {
      f.append(
          Merkle.leafHash(new byte[] {(byte) i}),
          (level, index, hash) -> seen.add(new long[] {level, index}));
    }
    assertThat(seen).hasSize(31);
    assertThat(seen.get(seen.size() - 1)).containsExactly(4, 0);
  }
}
