package dev.proctor.cli;

import dev.proctor.classify.Taxonomy;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.classify.ToolClassifier;
import dev.proctor.hook.HarnessToolClassifier;
import dev.proctor.hook.HarnessTools;
import dev.proctor.mediate.Gateway;
import dev.proctor.mediate.RequestBuilder;
import dev.proctor.policy.ClassCatalog;
import dev.proctor.policy.Policies;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The decision graph the commands share, wired by hand: taxonomy, classifier, request builder,
 * policy and gateway. Paths of Proctor's own files are given to the classifier so that the policy
 * can deny the agent touching them.
 */
record Engine(
    Taxonomy taxonomy,
    RequestBuilder requests,
    PolicyLoader loader,
    Policy policy,
    Gateway gateway) {

  /** Loads the taxonomy and the policy the options name; the default pack when they name none. */
  static Engine load(PolicyOptions options, List<Path> protectedPaths, Clock clock)
      throws PolicyException, TaxonomyException {
    Optional<Path> taxonomyFile = options.taxonomyFile();
    Taxonomy taxonomy =
        taxonomyFile.isPresent() ? Taxonomy.load(taxonomyFile.get()) : Taxonomy.builtIn();
    List<String> protect = new ArrayList<>();
    protectedPaths.forEach(p -> protect.add(p.toAbsolutePath().normalize().toString()));
    options.policyDir().ifPresent(p -> protect.add(p.toAbsolutePath().normalize().toString()));
    taxonomyFile.ifPresent(p -> protect.add(p.toAbsolutePath().normalize().toString()));
    // Harness hooks name their tools their own way: each is classified as the tool it is.
    RequestBuilder requests =
        new RequestBuilder(
            new HarnessToolClassifier(
                new ToolClassifier(taxonomy, protect), taxonomy, HarnessTools.builtIn()),
            clock);
    PolicyLoader loader = new PolicyLoader(ClassCatalog.of(taxonomy.classes()), requests);
    Optional<Path> dir = options.policyDir();
    Policy policy =
        dir.isPresent() ? loader.load(dir.get()) : loader.load(Policies.defaultPackPolicyFiles());
    Gateway gateway = new Gateway(requests, policy::decide, policy::digest);
    return new Engine(taxonomy, requests, loader, policy, gateway);
  }
}
