package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.Classification;
import dev.proctor.classify.ShellSyntax.Script;
import java.util.List;
import java.util.Set;

/**
 * Classifies a shell command line the way an agent would run it with {@code bash -c}: parses it
 * (see {@link ShellParser} for the supported subset), classifies every simple command, command
 * substitution and wrapped command, and gates the whole line at the riskiest class of its parts.
 * Input it cannot parse, or whose meaning depends on text computed at run time ({@code eval "$x"},
 * {@code $CMD args}), is {@code shell.unparseable}. Never throws for any input string; thread-safe,
 * allocation-light and free of I/O.
 */
final class ShellClassifier {

  private final Taxonomy taxonomy;
  private final Classification unparseable;

  /** A classifier that orders classes by the given taxonomy, which must have the built-in ones. */
  public ShellClassifier(Taxonomy taxonomy) {
    this.taxonomy = requireNonNull(taxonomy, "taxonomy is null");
    taxonomy.get(ClassNames.SHELL_UNPARSEABLE);
    this.unparseable = Classification.of(ClassNames.SHELL_UNPARSEABLE);
  }

  /** The class, targets, labels and tags of a command line run in the given context. */
  public Classification classify(String command, ClassifyContext ctx) {
    requireNonNull(command, "command is null");
    requireNonNull(ctx, "ctx is null");
    Script script;
    try {
      script = ShellParser.parse(command);
    } catch (ShellSyntaxException e) {
      return unparseable;
    }
    Findings f = new Findings();
    try {
      new ShellWalk(f, ctx, taxonomy.commands())
          .script(script, new ShellWalk.State(ctx.cwd().orElse(null)), 0);
      return f.toClassification(taxonomy);
    } catch (RuntimeException | StackOverflowError e) {
      return new Classification(
          ClassNames.SHELL_UNPARSEABLE,
          Set.of(ClassNames.SHELL_UNPARSEABLE),
          List.of(),
          Set.of(),
          Set.of("classifier-error"));
    }
  }
}
