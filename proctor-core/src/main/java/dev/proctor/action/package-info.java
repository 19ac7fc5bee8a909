/**
 * The one envelope every surface turns an agent's action into ({@link dev.proctor.action.ToolCall},
 * {@link dev.proctor.action.ActionRequest}), its RFC 8785 canonical JSON and digest, and the strict
 * reader for Proctor's own request format.
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor.action;
