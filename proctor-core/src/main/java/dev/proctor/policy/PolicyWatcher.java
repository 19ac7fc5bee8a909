package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the policy of a directory current: watches it, waits until changes have settled (the
 * debounce), reloads, and swaps the policy in only when the new version loads and all its {@code
 * expect:} examples pass. An invalid version is reported and the previous policy stays in force.
 *
 * <p>Callers read {@link #current()} on every decision; the swap is a single atomic reference
 * write, so a decision sees either the old policy or the new one, never a mixture.
 */
public final class PolicyWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);

  /** The outcome of one reload attempt. */
  public record Reload(Instant time, Optional<String> digest, List<PolicyProblem> problems) {
    public Reload {
      requireNonNull(time, "time is null");
      requireNonNull(digest, "digest is null");
      problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    /** True when the new policy was loaded and swapped in. */
    public boolean loaded() {
      return digest.isPresent();
    }
  }

  private final Path directory;
  private final PolicyLoader loader;
  private final Clock clock;
  private final Duration debounce;
  private final Consumer<Reload> listener;
  private final AtomicReference<Policy> current;
  private final WatchService watchService;
  private final Thread thread;

  /**
   * Loads the directory now (failing if it is invalid: there is no previous policy to keep) and
   * starts watching it.
   */
  public static PolicyWatcher start(
      Path directory,
      PolicyLoader loader,
      Clock clock,
      Duration debounce,
      Consumer<Reload> listener)
      throws PolicyException, IOException {
    Policy initial = loader.load(directory);
    PolicyWatcher w = new PolicyWatcher(directory, loader, clock, debounce, listener, initial);
    w.thread.start();
    return w;
  }

  private PolicyWatcher(
      Path directory,
      PolicyLoader loader,
      Clock clock,
      Duration debounce,
      Consumer<Reload> listener,
      Policy initial)
      throws IOException {
    this.directory = requireNonNull(directory, "directory is null");
    this.loader = requireNonNull(loader, "loader is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.debounce = requireNonNull(debounce, "debounce is null");
    this.listener = requireNonNull(listener, "listener is null");
    this.current = new AtomicReference<>(initial);
    this.watchService = FileSystems.getDefault().newWatchService();
    directory.register(
        watchService,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    // A baseline's edits reload the policy too (a baseline given as a file: its directory).
    for (Path baseline : initial.baselineLocations()) {
      Path dir = Files.isDirectory(baseline) ? baseline : baseline.getParent();
      dir.register(
          watchService,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    }
    this.thread = new Thread(this::watch, "proctor-policy-watcher");
    this.thread.setDaemon(true);
  }

  /** The policy in force. */
  public Policy current() {
    return current.get();
  }

  /** Reloads now, whatever the watch service says; the same rules as an automatic reload. */
  public Reload reload() {
    Reload r;
    try {
      Policy next = loader.load(directory);
      List<Path> baselines = next.baselineLocations();
      if (!baselines.equals(current.get().baselineLocations())) {
        // The classifier protects the baselines it was built with; a new one would be unguarded.
        throw new PolicyException(
            List.of(
                new PolicyProblem(
                    directory.toString(),
                    0,
                    0,
                    "the baseline chain changed from "
                        + current.get().baselineLocations()
                        + " to "
                        + baselines
                        + ": restart Proctor so that the new baseline is protected too")));
      }
      current.set(next);
      r = new Reload(clock.instant(), Optional.of(next.digest()), List.of());
      LOG.info("policy {} reloaded from {}: digest {}", next.id(), directory, next.digest());
    } catch (PolicyException e) {
      r = new Reload(clock.instant(), Optional.empty(), e.problems());
      LOG.warn(
          "policy in {} refused, keeping digest {}: {}",
          directory,
          current.get().digest(),
          e.getMessage());
    }
    try {
      listener.accept(r);
    } catch (RuntimeException e) {
      LOG.warn("policy reload listener failed", e);
    }
    return r;
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        drain(key);
        // Debounce: editors write several events per save; wait until the directory is quiet.
        WatchKey more;
        while ((more = watchService.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          drain(more);
        }
        reload();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ClosedWatchServiceException e) {
      // Closed by close(): the watcher ends.
      return;
    }
  }

  private static void drain(WatchKey key) {
    key.pollEvents();
    key.reset();
  }

  /** Stops watching; the last policy stays readable. */
  @Override
  public void close() throws IOException {
    watchService.close();
    thread.interrupt();
  }
}
