package dev.proctor.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Real headless Chromium for the console's end-to-end tests: Debian's {@code chromium} and {@code
 * chromedriver} (the packages {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs), headless, with a fresh profile and downloads into a directory of the test's.
 * Selenium's own driver download (selenium-manager) is never used: both binaries are named here.
 *
 * <p>Without the binaries the tests fail, naming the packages; {@code PROCTOR_SKIP_BROWSER=1} skips
 * them instead (for a machine that cannot have a browser).
 */
final class Browser implements AutoCloseable {

  private static final List<String> CHROMIUM =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
  private static final List<String> DRIVER =
      List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  final ChromeDriver driver;
  final Path downloads;
  private final String base;

  private Browser(ChromeDriver driver, Path downloads, String base) {
    this.driver = driver;
    this.downloads = downloads;
    this.base = base;
  }

  /** Starts a browser for the server at {@code base} (http://127.0.0.1:PORT). */
  static Browser start(String base, Path work) throws IOException {
    if ("1".equals(System.getenv("PROCTOR_SKIP_BROWSER"))) {
      Assumptions.abort("PROCTOR_SKIP_BROWSER=1: the browser tests are skipped");
    }
    Optional<String> chromium = first(CHROMIUM);
    Optional<String> chromedriver = first(DRIVER);
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      throw new AssertionError(
          "the console tests need Chromium and its driver: apt-get install chromium"
              + " chromium-driver (or set PROCTOR_SKIP_BROWSER=1 to skip them)");
    }
    Path profile = Files.createDirectories(work.resolve("profile"));
    Path downloads = Files.createDirectories(work.resolve("downloads"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false,
            "safebrowsing.enabled",
            false));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(chromedriver.get()).toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver
        .manage()
        .timeouts()
        .scriptTimeout(Duration.ofSeconds(10))
        .pageLoadTimeout(Duration.ofSeconds(20));
    driver.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    return new Browser(driver, downloads, base);
  }

  private static Optional<String> first(List<String> paths) {
    return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
  }

  /** Opens a console page: {@code open("#/feed")}. */
  void open(String fragment) {
    driver.get(base + "/console/" + fragment);
    waitFor(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
  }

  /** Forgets the session (the cookie) and shows the log-in page of a freshly loaded console. */
  void loggedOut() {
    driver.get(base + "/console/#/login");
    driver.manage().deleteAllCookies();
    driver.navigate().refresh();
    waitFor(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    visible(By.id("login-user"));
  }

  /** Logs in through the form as a user of {@link TestServer} (its password). */
  void login(String user) {
    loggedOut();
    WebElement name = visible(By.id("login-user"));
    name.sendKeys(user);
    driver.findElement(By.id("login-password")).sendKeys(TestServer.PASSWORD);
    driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
    visible(By.id("logout"));
    waitFor(d -> d.findElement(By.id("who")).getText().startsWith(user + " "));
  }

  WebElement visible(By by) {
    return new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  <T> T waitFor(java.util.function.Function<org.openqa.selenium.WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(15)).until(condition);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  /** Waits for a finished download (no partial file left) and returns it. */
  Path download(String suffix) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      try (Stream<Path> files = Files.list(downloads)) {
        List<Path> all = files.toList();
        Optional<Path> done =
            all.stream().filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst();
        boolean partial =
            all.stream().anyMatch(p -> p.getFileName().toString().endsWith(".crdownload"));
        if (done.isPresent() && !partial && Files.size(done.get()) > 0) {
          return done.get();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no download ending in " + suffix + " in " + downloads);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
