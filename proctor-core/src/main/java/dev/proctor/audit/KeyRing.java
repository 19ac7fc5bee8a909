package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The public keys a verifier trusts, by key id. After a rotation the ring keeps the old keys so
 * that older checkpoints still verify.
 */
public record KeyRing(Map<String, PublicKey> keys) {

  public KeyRing {
    keys = Map.copyOf(requireNonNull(keys, "keys is null"));
    keys.forEach(
        (id, key) -> {
          if (!id.equals(KeyFiles.keyId(key))) {
            throw new IllegalArgumentException("key id " + id + " does not match its key");
          }
        });
  }

  /** A ring of the given keys. */
  public static KeyRing of(Iterable<PublicKey> keys) {
    Map<String, PublicKey> m = new LinkedHashMap<>();
    keys.forEach(k -> m.put(KeyFiles.keyId(k), k));
    return new KeyRing(m);
  }

  /** The ids of the keys on the ring. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** The key with an id. */
  public Optional<PublicKey> key(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  /** Checks a checkpoint's signature: an unknown key and a bad signature are both failures. */
  public void verify(Checkpoint c) throws ProofException {
    verify(c.keyId(), c.signedBytes(), c.signature());
  }

  /** Checks an Ed25519 signature (base64) by the key with an id over some bytes. */
  public void verify(String keyId, byte[] message, String signature) throws ProofException {
    PublicKey key = keys.get(keyId);
    if (key == null) {
      throw new ProofException("signed by unknown key " + keyId);
    }
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new ProofException("signature is not base64");
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      if (!s.verify(sig)) {
        throw new ProofException("wrong signature for key " + keyId);
      }
    } catch (java.security.SignatureException e) {
      throw new ProofException("wrong signature for key " + keyId + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new ProofException("cannot check signature: " + e.getMessage());
    }
  }
}
