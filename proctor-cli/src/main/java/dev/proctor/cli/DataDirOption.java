package dev.proctor.cli;

import dev.proctor.store.DataDirectory;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option shared by commands that use Proctor's data directory. */
public final class DataDirOption {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (default: $PROCTOR_HOME, else ~/.proctor).")
  Path dataDir;

  /** The resolved data directory. */
  public DataDirectory resolve() {
    return DataDirectory.resolve(Optional.ofNullable(dataDir));
  }
}
