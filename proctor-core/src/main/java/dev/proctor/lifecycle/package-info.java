/**
 * The one lifecycle vocabulary and the table of its legal transitions.
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor.lifecycle;
