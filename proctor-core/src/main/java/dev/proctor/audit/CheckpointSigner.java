package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/** Signs checkpoints with the log's Ed25519 private key; its key id is that of the public key. */
public final class CheckpointSigner {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  /** A signer for a matching Ed25519 key pair. */
  public CheckpointSigner(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = requireNonNull(privateKey, "privateKey is null");
    this.publicKey = requireNonNull(publicKey, "publicKey is null");
    this.keyId = KeyFiles.keyId(publicKey);
  }

  /** The id of the signing key: lower-case hex SHA-256 of the public key's X.509 encoding. */
  public String keyId() {
    return keyId;
  }

  /** The public half of the key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** Signs the checkpoint of a log of {@code size} receipts with root {@code root}. */
  public Checkpoint sign(String logId, long size, String root, Instant time) {
    return sign(logId, size, root, time, Optional.empty());
  }

  /**
   * Signs a handover: the checkpoint of a log of {@code size} receipts with root {@code root} that
   * names {@code next} as the log's next signing key.
   */
  public Checkpoint handOver(String logId, long size, String root, Instant time, PublicKey next) {
    requireNonNull(next, "next is null");
    if (KeyFiles.keyId(next).equals(keyId)) {
      throw new IllegalArgumentException("a key cannot hand a log over to itself");
    }
    return sign(logId, size, root, time, Optional.of(Checkpoint.nextKeyText(next)));
  }

  private Checkpoint sign(
      String logId, long size, String root, Instant time, Optional<String> next) {
    return new Checkpoint(
        logId,
        size,
        root,
        time,
        keyId,
        next,
        Base64.getEncoder()
            .encodeToString(sign(Checkpoint.signedBytes(logId, size, root, time, keyId, next))));
  }

  /** Signs some bytes with Ed25519. */
  public byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }
}
