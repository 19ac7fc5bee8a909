package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.Classification;
import dev.proctor.action.Target;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Classifier;
import dev.proctor.classify.Taxonomy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies calls from every harness with the classifier that knows Claude Code's tools: a call is
 * first translated by {@link HarnessTools} (Gemini's {@code run_shell_command} is read as {@code
 * Bash}), and a call that becomes several (a patch touching three files) is gated at the highest
 * class of its parts. A tool Proctor cannot read is {@code shell.unparseable}, the worst class.
 */
public final class HarnessToolClassifier implements Classifier {

  /** The class of a call Proctor cannot read. */
  static final String UNPARSEABLE = "shell.unparseable";

  private final Classifier inner;
  private final Taxonomy taxonomy;
  private final HarnessTools tools;

  /** A classifier that translates harness calls for {@code inner}. */
  public HarnessToolClassifier(Classifier inner, Taxonomy taxonomy, HarnessTools tools) {
    this.inner = requireNonNull(inner, "inner is null");
    this.taxonomy = requireNonNull(taxonomy, "taxonomy is null");
    this.tools = requireNonNull(tools, "tools is null");
  }

  @Override
  public Classification classify(ToolCall call) {
    requireNonNull(call, "call is null");
    Optional<List<ToolCall>> calls = tools.translate(call);
    if (calls.isEmpty()) {
      return new Classification(
          UNPARSEABLE, Set.of(UNPARSEABLE), List.of(), call.labels(), Set.of("unreadable-tool"));
    }
    if (calls.get().size() == 1) {
      return inner.classify(calls.get().get(0));
    }
    Set<String> classes = new HashSet<>();
    Set<Target> targets = new LinkedHashSet<>();
    Set<String> labels = new HashSet<>();
    Set<String> tags = new HashSet<>();
    for (ToolCall part : calls.get()) {
      Classification c = inner.classify(part);
      classes.addAll(c.classes());
      targets.addAll(c.targets());
      labels.addAll(c.labels());
      tags.addAll(c.tags());
    }
    return new Classification(
        taxonomy.highest(classes).name(), classes, new ArrayList<>(targets), labels, tags);
  }
}
