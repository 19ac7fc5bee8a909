package dev.proctor.classify;

import dev.proctor.action.Classification;
import dev.proctor.action.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What classification found so far: classes, tags, labels and targets of every part. */
final class Findings {

  /** A command never yields more targets than this; the rest are summarised by a tag. */
  static final int MAX_TARGETS = 256;

  final Set<String> classes = new HashSet<>(8);
  final Set<String> tags = new HashSet<>(8);
  final Set<String> labels = new HashSet<>(4);
  final LinkedHashSet<Target> targets = new LinkedHashSet<>(8);

  /** How many network fetches were seen; lets a pipeline notice a fetch feeding a shell. */
  int fetches;

  /** Files a network command wrote; executing one of them later is fetch-then-exec. */
  final Set<String> downloaded = new HashSet<>(2);

  /** Files run as programs or scripts. */
  final Set<String> executed = new HashSet<>(2);

  void cls(String c) {
    classes.add(c);
  }

  void tag(String t) {
    tags.add(t);
  }

  void label(String l) {
    labels.add(l);
  }

  void target(Target t) {
    if (targets.size() < MAX_TARGETS) {
      targets.add(t);
    } else {
      tags.add("many-targets");
    }
  }

  /**
   * {@code wget -O x.sh URL && bash x.sh}: the same as {@code curl URL | sh}, spread over two
   * commands; records {@code code.exec} and {@code fetch-exec} when a downloaded file is run.
   */
  void downloadsRun() {
    if (!downloaded.isEmpty() && downloaded.stream().anyMatch(executed::contains)) {
      classes.add(ClassNames.CODE_EXEC);
      tags.add("fetch-exec");
    }
  }

  Classification toClassification(Taxonomy taxonomy) {
    downloadsRun();
    if (classes.isEmpty()) {
      classes.add(ClassNames.SHELL_EXEC);
    }
    String top = taxonomy.highest(classes).name();
    List<Target> t = new ArrayList<>(targets);
    return new Classification(top, classes, t, labels, tags);
  }
}
