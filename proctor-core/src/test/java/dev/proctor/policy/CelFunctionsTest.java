package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CelFunctionsTest {

  @ParameterizedTest
  @CsvSource({
    "/work/project/src/a.py, /work/project, true",
    "/work/project, /work/project, true",
    "/work/project/, /work/project, true",
    "/work/project-evil/a, /work/project, false",
    "/work/project/../etc/passwd, /work/project, false",
    "/work/project/./src//a, /work/project/src, true",
    "/../../work/project/a, /work/project, true",
    "relative/a, /work/project, false",
    "/etc/passwd, /, true",
    "/work/proj, /work/project, false"
  })
  void inside_pathAndDir_comparesWholeSegments(String path, String dir, boolean expected) {
    assertThat(CelFunctions.inside(path, dir)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "https://GitHub.com/org/repo, github.com",
    "https://user:pw@evil.example.com:8443/x?y=1, evil.example.com",
    "http://docs.python.org./3/, docs.python.org",
    "ftp://files.example.org/a, files.example.org"
  })
  void urlHost_absoluteUrl_lowerCaseHost(String url, String host) {
    assertThat(CelFunctions.urlHost(url)).isEqualTo(host);
  }

  @ParameterizedTest
  @CsvSource({"github.com/foo", "not a url", "mailto:x@y.com"})
  void urlHost_noHost_fails(String url) {
    assertThatThrownBy(() -> CelFunctions.urlHost(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("url_host");
  }

  @ParameterizedTest
  @CsvSource({
    "alice@Example.COM, example.com",
    "\"Bob\" <bob@corp.example.org>, corp.example.org",
    "weird@name@evil.com, evil.com"
  })
  void emailDomain_address_lowerCaseDomain(String address, String domain) {
    assertThat(CelFunctions.emailDomain(address)).isEqualTo(domain);
  }

  @ParameterizedTest
  @CsvSource({"nobody", "@example.com", "x@"})
  void emailDomain_notAnAddress_fails(String address) {
    assertThatThrownBy(() -> CelFunctions.emailDomain(address))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "github.com, github.com, true",
    "GitHub.com., github.com, true",
    "api.github.com, github.com, false",
    "raw.githubusercontent.com, *.githubusercontent.com, true",
    "a.b.githubusercontent.com, *.githubusercontent.com, true",
    "githubusercontent.com, *.githubusercontent.com, false",
    "evilgithubusercontent.com, *.githubusercontent.com, false",
    "github.com.evil.net, github.com, false"
  })
  void domainMatches_hostAndPattern_atLabelBoundary(String host, String pattern, boolean expected) {
    assertThat(CelFunctions.domainMatches(host, pattern)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "/work/project/.env, **/.env, true",
    "/.env, **/.env, true",
    "/work/project/.env.local, **/.env.*, true",
    "/work/project/src/main.py, /work/project/*.py, false",
    "/work/project/main.py, /work/project/*.py, true",
    "/home/dev/.ssh/id_rsa, **/.ssh/**, true",
    "/work/a.key, **/*.key, true",
    "/work/a.keys, **/*.key, false",
    "/proc/12/environ, /proc/*/environ, true",
    "release/2.0, release/*, true",
    "a.b, a?b, true"
  })
  void glob_pathAndPattern_matchesBySegments(String path, String pattern, boolean expected) {
    assertThat(CelFunctions.glob(path, pattern)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "mcp__github__create_issue, mcp__github__*, true",
    "Bash, Bash, true",
    "Bash, B*, true",
    "Read, Bash, false"
  })
  void nameMatches_toolNames(String name, String pattern, boolean expected) {
    assertThat(CelFunctions.nameMatches(name, pattern)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void glob_randomPathsAndPatterns_shortcutAgreesWithSearch() {
    java.util.Random random = new java.util.Random(42);
    String[] parts = {"a", "b", ".env", "x.pem", "*", "?", "**", "", ".", "id_rsa"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder path = new StringBuilder(random.nextBoolean() ? "/" : "");
      StringBuilder pattern = new StringBuilder("**/");
      for (int k = random.nextInt(5); k > 0; k--) {
        path.append(parts[random.nextInt(4)]).append(random.nextInt(4) == 0 ? "" : "/");
      }
      path.append(parts[random.nextInt(4)]);
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        pattern.append(parts[random.nextInt(parts.length)]);
      }
      if (random.nextInt(4) == 0) {
        pattern.append('/').append(parts[random.nextInt(parts.length)]);
      }
      assertThat(CelFunctions.glob(path.toString(), pattern.toString()))
          .as("%s ~ %s", path, pattern)
          .isEqualTo(CelFunctions.globBySearch(path.toString(), pattern.toString()));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "/, /",
    "/a/b, /a/b",
    "/a//b/, /a/b",
    "/a/./b/.., /a",
    "/a/.b/..c, /a/.b/..c",
    "/.., /"
  })
  void normalize_normalAndOtherPaths_sameAsSegmentRewrite(String path, String expected) {
    assertThat(CelFunctions.normalize(path)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void anyOverloads_listOfPatterns_matchAny() {
    assertThat(CelFunctions.domainMatchesAny("pypi.org", List.of("github.com", "pypi.org")))
        .isTrue();
    assertThat(CelFunctions.globAny("/x/.env", List.of("**/*.pem", "**/.env"))).isTrue();
    assertThat(CelFunctions.globAny("/x/a.txt", List.of("**/*.pem", "**/.env"))).isFalse();
  }

  @Test
  void matches_sameAsCelStandardFunction() throws Exception {
    CelCompiler compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("s", SimpleType.STRING)
            .addVar("re", SimpleType.STRING)
            .build();
    CelRuntime.Program standard =
        CelRuntimeFactory.plannerRuntimeBuilder()
            .build()
            .createProgram(compiler.compile("s.matches(re)").getAst());
    List<String> strings = List.of("", "abc", "ABC", "a.b", "/work/.env", "x\ny", "日本");
    List<String> patterns =
        List.of("", "b", "^b", "^a", "c$", "^abc$", "[.]env", "(?i)abc", "a.b", "^.*$", "本$");
    for (String str : strings) {
      for (String re : patterns) {
        assertThat(CelFunctions.matches(str, re))
            .as("%s matches %s", str, re)
            .isEqualTo(standard.eval(Map.of("s", str, "re", re)));
      }
    }
  }

  @Test
  void pattern_validOnce_compiledOnce() {
    assertThat(CelFunctions.pattern("^x[0-9]+$")).isSameAs(CelFunctions.pattern("^x[0-9]+$"));
    assertThatThrownBy(() -> CelFunctions.pattern("a("))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid regular expression 'a(': ");
  }
}
