package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

  @TempDir Path tmp;

  @Test
  void createIfAbsent_manyAtOnce_createsExactlyOneKey() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path keys = tmp.resolve("round-" + round).resolve("keys");
      Path privateKey = keys.resolve("signing.key");
      Path publicKeys = keys.resolve("public");
      int n = 12;
      CyclicBarrier start = new CyclicBarrier(n);
      List<Optional<String>> created = new CopyOnWriteArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        threads.add(
            new Thread(
                () -> {
                  try {
                    start.await();
                    created.add(KeyFiles.createIfAbsent(privateKey, publicKeys));
                  } catch (Exception e) {
                    failures.add(e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }

      assertThat(failures).as("round %d", round).isEmpty();
      List<String> ids = created.stream().flatMap(Optional::stream).toList();
      assertThat(ids).as("round %d: keys created", round).hasSize(1);
      CheckpointSigner signer = KeyFiles.loadSigner(privateKey);
      assertThat(signer.keyId()).isEqualTo(ids.get(0));
      try (Stream<Path> s = Files.list(publicKeys)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .as("round %d: public keys", round)
            .containsExactly(ids.get(0) + ".pem");
      }
      try (Stream<Path> s = Files.list(keys)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .as("round %d: no temporary file is left", round)
            .containsExactlyInAnyOrder("signing.key", "public");
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void create_whenAKeyExists_refusesAndKeepsIt() throws Exception {
    Path privateKey = tmp.resolve("keys/signing.key");
    Path publicKeys = tmp.resolve("keys/public");
    String id = KeyFiles.create(privateKey, publicKeys);

    assertThatThrownBy(() -> KeyFiles.create(privateKey, publicKeys))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(KeyFiles.createIfAbsent(privateKey, publicKeys)).isEmpty();
    assertThat(KeyFiles.loadSigner(privateKey).keyId()).isEqualTo(id);
  }
}
