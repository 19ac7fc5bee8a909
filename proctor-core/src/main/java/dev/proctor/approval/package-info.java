/**
 * Held actions and their approval by authenticated people: quorum, separation of duties, expiry,
 * cancellation, each end a receipt.
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor.approval;
