/**
 * Proctor embedded: the {@link dev.proctor.Proctor} builder and the {@link dev.proctor.Mediator}
 * every surface puts in front of agent actions — classify, decide, record, then run only what is
 * allowed.
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor;
