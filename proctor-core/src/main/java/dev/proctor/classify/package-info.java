/**
 * The taxonomy of action classes and the classifiers that turn raw calls into classes, targets,
 * labels and tags (the shell parser among them).
 *
 * <p>Null policy: nothing in this package's public API accepts or returns {@code null}. An absent
 * value is an empty {@link java.util.Optional}; a {@code null} argument throws {@link
 * NullPointerException} naming it.
 */
package dev.proctor.classify;
