package dev.proctor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LifecycleTest {

  @ParameterizedTest(name = "{0} -> {1} legal={2}")
  @CsvSource({
    "'', requested, true",
    "'', allowed, false",
    "requested, allowed, true",
    "requested, denied, true",
    "requested, rate_limited, true",
    "requested, approval_required, true",
    "requested, deferred, true",
    "requested, executing, false",
    "requested, requested, false",
    "deferred, allowed, true",
    "deferred, expired, true",
    "deferred, executing, false",
    "approval_required, approved, true",
    "approval_required, rejected, true",
    "approval_required, expired, true",
    "approval_required, canceled, true",
    "approval_required, executing, false",
    "allowed, executing, true",
    "approved, executing, true",
    "allowed, succeeded, false",
    "denied, executing, false",
    "denied, allowed, false",
    "rejected, executing, false",
    "executing, succeeded, true",
    "executing, failed, true",
    "executing, interrupted, true",
    "executing, rolled_back, false",
    "succeeded, rolled_back, true",
    "failed, rolled_back, true",
    "interrupted, rolled_back, true",
    "rolled_back, rolled_back, false",
    "succeeded, executing, false"
  })
  void isLegal_tableEntry_matches(String from, String to, boolean legal) {
    Optional<LifecycleState> f =
        from.isEmpty() ? Optional.empty() : LifecycleState.fromWireName(from);
    LifecycleState t = LifecycleState.fromWireName(to).orElseThrow();
    assertThat(Lifecycle.isLegal(f, t)).isEqualTo(legal);
    if (!legal) {
      assertThatThrownBy(() -> Lifecycle.check("a-1", f, t))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("a-1")
          .hasMessageContaining(to);
    }
  }
}
