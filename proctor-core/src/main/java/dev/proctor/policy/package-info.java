/**
 * Policies as code: YAML files with CEL conditions, loaded atomically, validated with
 * file:line:column, decided most-restrictive-wins, with test suites.
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor.policy;
