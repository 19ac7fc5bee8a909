package dev.proctor.audit;

/** A Merkle proof, a signature or a checkpoint did not verify; the message says which and why. */
public final class ProofException extends Exception {

  private static final long serialVersionUID = 1L;

  /** A failed check with its reason. */
  public ProofException(String message) {
    super(message);
  }
}
