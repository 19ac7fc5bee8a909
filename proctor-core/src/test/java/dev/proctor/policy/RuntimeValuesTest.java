package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.runtime.CelVariableResolver;
import dev.proctor.action.ActionRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CEL gives the same result on the request's pre-converted runtime values as on plain Java maps and
 * lists: for every condition of {@link DirectTest} (the default pack and each construct), on seeded
 * random requests with JSON arguments, the same bool, or an error with the same message.
 */
class RuntimeValuesTest {

  private static final Map<String, List<String>> ALLOWLIST =
      Map.of("domains", List.of("github.com", "*.githubusercontent.com"));

  @ParameterizedTest
  @MethodSource("dev.proctor.policy.DirectTest#seeds")
  void cel_convertedValues_sameAsPlainJava(long seed) {
    ActionRequest request = DirectTest.randomRequest(new Random(seed));
    DirectTest.COMPILED.forEach(
        (expression, c) -> {
          RequestView converted = new RequestView(request, ALLOWLIST);
          RequestView source = new RequestView(request, ALLOWLIST);
          CelVariableResolver plain = name -> source.find(name).map(RuntimeValuesTest::plain);
          assertThat(Condition.outcome(() -> c.condition().program().eval(converted)))
              .as("%s on %s", expression, request)
              .isEqualTo(Condition.outcome(() -> c.condition().program().eval(plain)));
        });
  }

  @Test
  void select_missingKeyAndFieldOfList_fail() {
    RuntimeValues.MapValue m = RuntimeValues.map(Map.of("a", List.of("x")));
    assertThat(m.select("a")).isEqualTo(List.of("x"));
    assertThat(m.find("b")).isEmpty();
    assertThatThrownBy(() -> m.select("b")).hasMessageContaining("'b' is not present");
    RuntimeValues.ListValue l = RuntimeValues.list(List.of("x"));
    assertThatThrownBy(() -> l.select("a")).hasMessageContaining("Field selections");
    assertThatThrownBy(() -> l.find("a")).hasMessageContaining("Field selections");
  }

  @Test
  void values_areImmutableAndEqualToPlainCollections() {
    RuntimeValues.MapValue m = RuntimeValues.map(Map.of("a", List.of(Map.of("b", 1))));
    assertThat(m).isEqualTo(Map.of("a", List.of(Map.of("b", 1L))));
    assertThat(m.value()).isSameAs(m);
    assertThatThrownBy(() -> m.put("c", "d")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((RuntimeValues.ListValue) m.get("a")).add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** Runtime values back as plain Java maps and lists, as CEL gets them from most embedders. */
  private static Object plain(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(plain(x)));
      return out;
    }
    return v;
  }
}
