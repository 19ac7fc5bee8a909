package dev.proctor;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalTokens;
import dev.proctor.approval.Approvals;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.LogOptions;
import dev.proctor.audit.MirrorFile;
import dev.proctor.classify.Taxonomy;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.classify.ToolClassifier;
import dev.proctor.hook.HarnessToolClassifier;
import dev.proctor.hook.HarnessTools;
import dev.proctor.policy.ClassCatalog;
import dev.proctor.policy.Policies;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyLoader;
import dev.proctor.store.ApprovalStore;
import dev.proctor.store.InMemoryApprovalStore;
import dev.proctor.store.InMemoryLogStore;
import dev.proctor.store.LogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Proctor embedded: the taxonomy, the policy in force, the action log and the {@link Mediator} that
 * puts them in front of every call. Built once with {@link #builder()}, shared by every thread,
 * closed when the application stops (the log then signs a final checkpoint).
 *
 * <pre>{@code
 * try (Proctor proctor = Proctor.builder().logStore(store).signer(signer).build()) {
 *   Executed<String> run = proctor.mediator().mediate(call, args -> tool.run(args));
 * }
 * }</pre>
 *
 * <p>Proctor protects itself: the classifier tags every path inside the policy directory, the
 * taxonomy file and the protected paths given to the builder as {@code proctor-config}, which the
 * default pack denies agents to touch.
 */
public final class Proctor implements AutoCloseable {

  private final Taxonomy taxonomy;
  private final PolicyLoader loader;
  private final AtomicReference<Policy> policy;
  private final ActionLog log;
  private final Mediator mediator;
  private final ApprovalStore approvalStore;

  private Proctor(
      Taxonomy taxonomy,
      PolicyLoader loader,
      Policy policy,
      ActionLog log,
      RequestBuilder requests,
      ApprovalStore approvalStore,
      ApprovalTokens tokens,
      Duration deadline,
      Clock clock) {
    this.taxonomy = taxonomy;
    this.loader = loader;
    this.policy = new AtomicReference<>(policy);
    this.log = log;
    this.approvalStore = approvalStore;
    this.mediator =
        new Mediator(
            requests,
            this.policy::get,
            log,
            new Approvals(log, approvalStore, clock, deadline, tokens),
            deadline,
            clock);
  }

  /** A builder with the defaults: built-in taxonomy, the default pack, no log store yet. */
  public static Builder builder() {
    return new Builder();
  }

  /** The mediator every call goes through. */
  public Mediator mediator() {
    return mediator;
  }

  /** The policy in force. */
  public Policy policy() {
    return policy.get();
  }

  /** The taxonomy the classifiers use. */
  public Taxonomy taxonomy() {
    return taxonomy;
  }

  /**
   * The loader policies are compiled with: the taxonomy's classes, and examples run through the
   * same classifier live calls take. Use it to validate or test a candidate policy.
   */
  public PolicyLoader policyLoader() {
    return loader;
  }

  /** The action log decisions are recorded in. */
  public ActionLog log() {
    return log;
  }

  /**
   * Puts another policy in force for every call decided from now on; one that does not load through
   * {@link #policyLoader()} never gets here, so the old one stays.
   */
  public void replacePolicy(Policy next) {
    policy.set(requireNonNull(next, "next is null"));
  }

  /** Stops the mediator and closes the log: what is queued is written, a checkpoint signed. */
  @Override
  public void close() {
    mediator.close();
    try {
      log.close();
    } finally {
      approvalStore.close();
    }
  }

  /** Held actions and their approval (the mediator's). */
  public Approvals approvals() {
    return mediator.approvals();
  }

  /** Configures and builds a {@link Proctor}; not thread-safe, use once. */
  public static final class Builder {

    /** The default deadline for recording a decision. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private Optional<Taxonomy> taxonomy = Optional.empty();
    private Optional<Path> taxonomyFile = Optional.empty();
    private Optional<Path> policyDirectory = Optional.empty();
    private Optional<LogStore> store = Optional.empty();
    private Optional<ApprovalStore> approvalStore = Optional.empty();
    private Optional<CheckpointSigner> signer = Optional.empty();
    private Optional<MirrorFile> mirror = Optional.empty();
    private LogOptions logOptions = LogOptions.DEFAULT;
    private final List<Consumer<Checkpoint>> checkpointListeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration tokenTtl = ApprovalTokens.DEFAULT_TTL;
    private final Set<Path> protectedPaths = new LinkedHashSet<>();

    private Builder() {}

    /** Classify with this taxonomy (default: the built-in one). */
    public Builder taxonomy(Taxonomy taxonomy) {
      this.taxonomy = Optional.of(requireNonNull(taxonomy, "taxonomy is null"));
      this.taxonomyFile = Optional.empty();
      return this;
    }

    /** Classify with the built-in taxonomy extended by this user file, which is also protected. */
    public Builder taxonomyFile(Path file) {
      this.taxonomyFile = Optional.of(requireNonNull(file, "file is null"));
      this.taxonomy = Optional.empty();
      return this;
    }

    /** Decide under the policy in this directory, which is also protected. */
    public Builder policyDirectory(Path directory) {
      this.policyDirectory = Optional.of(requireNonNull(directory, "directory is null"));
      return this;
    }

    /** Decide under the default pack for coding agents (the default). */
    public Builder defaultPolicy() {
      this.policyDirectory = Optional.empty();
      return this;
    }

    /** Record decisions in this store; the built {@link Proctor} owns and closes it. */
    public Builder logStore(LogStore store) {
      this.store = Optional.of(requireNonNull(store, "store is null"));
      return this;
    }

    /**
     * Hold actions for approval in this store (default: in memory, so that held actions do not
     * survive the process); the built {@link Proctor} owns and closes it.
     */
    public Builder approvalStore(ApprovalStore store) {
      this.approvalStore = Optional.of(requireNonNull(store, "store is null"));
      return this;
    }

    /**
     * Record decisions in memory only, for tests and trials: nothing survives the process, so a log
     * store must be chosen deliberately.
     */
    public Builder inMemoryLog() {
      return logStore(new InMemoryLogStore());
    }

    /** Sign the log's checkpoints with this key (without one the log is only hash-chained). */
    public Builder signer(CheckpointSigner signer) {
      this.signer = Optional.of(requireNonNull(signer, "signer is null"));
      return this;
    }

    /** Also append every receipt to this independent mirror file, which the log then owns. */
    public Builder mirror(MirrorFile mirror) {
      this.mirror = Optional.of(requireNonNull(mirror, "mirror is null"));
      return this;
    }

    /**
     * Calls {@code listener} with every checkpoint the log signs, from its first write on (see
     * {@link ActionLog#onCheckpoint}); it must return at once.
     */
    public Builder onCheckpoint(Consumer<Checkpoint> listener) {
      checkpointListeners.add(requireNonNull(listener, "listener is null"));
      return this;
    }

    /** Group-commit and checkpoint cadence of the log. */
    public Builder logOptions(LogOptions options) {
      this.logOptions = requireNonNull(options, "options is null");
      return this;
    }

    /** The clock requests, receipts and checkpoints are stamped with. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /**
     * How long a decision may wait for its receipts to become durable before it is a fail-closed
     * deny (default 5 s).
     */
    public Builder decisionDeadline(Duration deadline) {
      requireNonNull(deadline, "deadline is null");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("the decision deadline must be positive: " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * How long the token of a decided approval stays usable (default 10 minutes). Tokens are signed
     * by the log's signing key ({@link #signer}); without one, by a key that lives only as long as
     * this Proctor, so that its tokens verify in this process only.
     */
    public Builder approvalTokenLifetime(Duration ttl) {
      requireNonNull(ttl, "ttl is null");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("the approval token lifetime must be positive: " + ttl);
      }
      this.tokenTtl = ttl;
      return this;
    }

    /** Mark a path (a file or a directory and all under it) as Proctor's own: agents keep off. */
    public Builder protect(Path path) {
      protectedPaths.add(requireNonNull(path, "path is null").toAbsolutePath().normalize());
      return this;
    }

    /**
     * Mark Proctor's own installation as protected: the directory holding the jar (or classes
     * directory) Proctor runs from, with whatever lies beside it (class-data archives a JVM maps at
     * start), and the launcher directory named by the system property {@code proctor.launcher},
     * which {@code bin/proctor} sets. An agent that may rewrite Proctor's code need not bother with
     * its policy.
     */
    public Builder protectInstallation() {
      try {
        Path code =
            Path.of(Proctor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        protect(Files.isDirectory(code) ? code : code.toAbsolutePath().getParent());
      } catch (java.net.URISyntaxException | RuntimeException e) {
        throw new IllegalStateException(
            "cannot tell where Proctor runs from: " + e.getMessage(), e);
      }
      String launcher = System.getProperty("proctor.launcher", "");
      if (!launcher.isBlank()) {
        protect(Path.of(launcher));
      }
      return this;
    }

    /**
     * Loads the taxonomy and the policy, opens the log and returns the running {@link Proctor},
     * which then owns the log store and mirror. When the taxonomy or the policy does not load, the
     * store and mirror given to this builder are closed and nothing else is opened.
     *
     * @throws TaxonomyException naming file, line and column when the taxonomy does not load
     * @throws PolicyException listing every problem when the policy does not load
     * @throws IllegalStateException when no log store was chosen
     */
    public Proctor build() throws TaxonomyException, PolicyException {
      if (store.isEmpty()) {
        throw new IllegalStateException(
            "no log store: every decision is recorded, so choose where — logStore(store), or"
                + " inMemoryLog() for tests");
      }
      try {
        return assemble();
      } catch (TaxonomyException | PolicyException | RuntimeException e) {
        store.get().close();
        approvalStore.ifPresent(ApprovalStore::close);
        if (mirror.isPresent()) {
          try {
            mirror.get().close();
          } catch (IOException closing) {
            e.addSuppressed(closing);
          }
        }
        throw e;
      }
    }

    private Proctor assemble() throws TaxonomyException, PolicyException {
      Taxonomy tax = loadTaxonomy();
      Set<String> protect = new LinkedHashSet<>();
      protectedPaths.forEach(p -> protect.addAll(spellings(p)));
      policyDirectory.ifPresent(p -> protect.addAll(spellings(p)));
      // A baseline the policy extends is as much Proctor's configuration as the policy itself.
      policyDirectory.ifPresent(
          p -> PolicyLoader.baselineLocations(p).forEach(b -> protect.addAll(spellings(b))));
      taxonomyFile.ifPresent(p -> protect.addAll(spellings(p)));
      // Harness hooks name their tools their own way: each is classified as the tool it is.
      RequestBuilder requests =
          new RequestBuilder(
              new HarnessToolClassifier(
                  new ToolClassifier(tax, List.copyOf(protect)), tax, HarnessTools.builtIn()),
              clock);
      Function<ToolCall, ActionRequest> pipeline = requests;
      PolicyLoader loader = new PolicyLoader(ClassCatalog.of(tax), pipeline);
      Policy policy =
          policyDirectory.isPresent()
              ? loader.load(policyDirectory.get())
              : loader.load(Policies.defaultPackPolicyFiles());
      ActionLog log = ActionLog.open(store.get(), signer, mirror, clock, logOptions);
      checkpointListeners.forEach(log::onCheckpoint);
      return new Proctor(
          tax,
          loader,
          policy,
          log,
          requests,
          approvalStore.orElseGet(InMemoryApprovalStore::new),
          signer.isPresent()
              ? new ApprovalTokens(signer.get(), clock, tokenTtl)
              : ApprovalTokens.ephemeral(clock, tokenTtl),
          deadline,
          clock);
    }

    /**
     * The taxonomy file given, else the policy directory's {@code taxonomy.yaml}, else the built-in
     * taxonomy alone. Both a file and a directory taxonomy is refused: which one decides must not
     * be a matter of precedence nobody reads.
     */
    private Taxonomy loadTaxonomy() throws TaxonomyException {
      Optional<Path> inDirectory =
          policyDirectory
              .map(d -> d.resolve(PolicyLoader.TAXONOMY_FILE))
              .filter(f -> Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS));
      if (inDirectory.isPresent() && (taxonomyFile.isPresent() || taxonomy.isPresent())) {
        throw new IllegalStateException(
            "two taxonomies: "
                + taxonomyFile.map(Path::toString).orElse("the one given to the builder")
                + " and the policy directory's "
                + inDirectory.get()
                + "; give one");
      }
      if (inDirectory.isPresent()) {
        return Taxonomy.load(inDirectory.get());
      }
      if (taxonomy.isPresent()) {
        return taxonomy.get();
      }
      return taxonomyFile.isPresent() ? Taxonomy.load(taxonomyFile.get()) : Taxonomy.builtIn();
    }

    /**
     * A protected path as given and, when it exists, as it really is: a policy directory reached
     * through a symbolic link is protected under both names.
     */
    private static List<String> spellings(Path p) {
      Path absolute = p.toAbsolutePath().normalize();
      try {
        Path real = absolute.toRealPath();
        return real.equals(absolute)
            ? List.of(absolute.toString())
            : List.of(absolute.toString(), real.toString());
      } catch (IOException e) {
        return List.of(absolute.toString());
      }
    }
  }
}
