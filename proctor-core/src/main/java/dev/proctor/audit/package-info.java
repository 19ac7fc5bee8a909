/**
 * The tamper-evident action log: receipts, the RFC 9162 Merkle tree, signed checkpoints, proofs,
 * the mirror, witnesses, export and the offline verifier.
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor.audit;
