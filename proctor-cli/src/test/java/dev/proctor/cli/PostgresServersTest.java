package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.store.LogStore;
import dev.proctor.store.jdbc.PostgresStore;
import dev.proctor.store.jdbc.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code proctor serve} JVMs on one PostgreSQL database decide at the same time; afterwards
 * {@code proctor audit verify --database} finds one intact log holding every receipt either server
 * acknowledged.
 */
class PostgresServersTest {

  @TempDir Path dir;

  private record Server(Process process, String url, String key) {}

  private Server start(String name, Path config) throws Exception {
    Path data = dir.resolve(name);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.proctor.cli.Main",
                "serve",
                "--config",
                config.toString(),
                "--data-dir",
                data.toString(),
                "--listen",
                "127.0.0.1:0")
            .redirectError(dir.resolve(name + "-err.txt").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder all = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      all.append(line).append('\n');
      if (line.equals("proctor: ready")) {
        break;
      }
    }
    Matcher url = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)").matcher(all);
    assertThat(url.find()).as(all + Files.readString(dir.resolve(name + "-err.txt"))).isTrue();
    CliRun key = CliRun.run("", "agents", "add", "claude", "--data-dir", data.toString());
    assertThat(key.exitCode()).as(key.err()).isZero();
    return new Server(p, url.group(1), key.out().strip());
  }

  @Test
  void twoServersOnOneDatabase_decidingAtOnce_leaveOneIntactLogWithEveryReceipt() throws Exception {
    PostgresStore.Settings db = TestPostgres.freshSchema();
    Path config = dir.resolve("proctor.yaml");
    Files.writeString(
        config,
        "database: {url: '"
            + db.jdbcUrl()
            + "', user: postgres, schema: "
            + db.schema().orElseThrow()
            + "}\n");
    Server a = start("a", config);
    Server b = start("b", config);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Server s = t % 2 == 0 ? a : b;
        int thread = t;
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(s.url() + "/v1/decide"))
                                .header("Authorization", "Bearer " + s.key())
                                .header("Content-Type", "application/json")
                                .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                        "{\"tool\":\"Bash\",\"arguments\":{\"command\":\"ls /tmp/"
                                            + thread
                                            + "-"
                                            + i
                                            + "\"}}"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    JsonNode body = json.readTree(r.body());
                    assertThat(body.path("receipts")).as(r.body()).hasSize(2);
                    body.path("receipts").forEach(id -> acknowledged.add(id.asText()));
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      for (Server s : List.of(a, b)) {
        s.process().destroy();
        assertThat(s.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    CliRun verify =
        CliRun.run(
            "",
            "audit",
            "verify",
            "--database",
            db.jdbcUrl(),
            "--database-user",
            "postgres",
            "--database-schema",
            db.schema().orElseThrow(),
            "--key",
            dir.resolve("a/keys/public").toString(),
            "--key",
            dir.resolve("b/keys/public").toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("INTACT");
    assertThat(acknowledged).hasSize(200);
    try (LogStore store = PostgresStore.open(db).logStore()) {
      for (String id : acknowledged) {
        assertThat(store.entryById(id)).as(id).isPresent();
      }
    }
  }
}
