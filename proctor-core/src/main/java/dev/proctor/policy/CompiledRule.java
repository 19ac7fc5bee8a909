package dev.proctor.policy;

import dev.proctor.action.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A rule ready to evaluate: its declaration order (which makes reasons and ties deterministic), the
 * classes its patterns resolved to (empty means every class), its tool patterns and its planned CEL
 * condition (null when it has none).
 */
record CompiledRule(
    Rule rule,
    int order,
    Set<String> classes,
    List<String> exactTools,
    List<String> toolGlobs,
    Condition condition) {

  boolean coversClass(String actionClass) {
    return classes.isEmpty() || classes.contains(actionClass);
  }

  boolean matchesTool(String tool) {
    if (exactTools.isEmpty() && toolGlobs.isEmpty()) {
      return true;
    }
    if (exactTools.contains(tool)) {
      return true;
    }
    for (String g : toolGlobs) {
      if (CelFunctions.nameMatches(tool, g)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the rule's principal match holds: each named field has one of its values (a glob); for
   * {@code groups} and {@code roles}, the identity has at least one of the listed ones.
   */
  boolean matchesPrincipal(Principal principal, PrincipalDirectory.Identity identity) {
    Map<String, List<String>> match = rule.match().principal();
    if (match.isEmpty()) {
      return true;
    }
    for (Map.Entry<String, List<String>> e : match.entrySet()) {
      if (e.getKey().equals("groups") || e.getKey().equals("roles")) {
        List<String> has = e.getKey().equals("groups") ? identity.groups() : identity.roles();
        if (java.util.Collections.disjoint(has, e.getValue())) {
          return false;
        }
        continue;
      }
      Optional<String> value =
          switch (e.getKey()) {
            case "human" -> principal.human();
            case "agent" -> principal.agent();
            case "service" -> principal.service();
            case "session" -> principal.session();
            default -> principal.tenant();
          };
      if (value.isEmpty()) {
        return false;
      }
      boolean any = false;
      for (String pattern : e.getValue()) {
        if (CelFunctions.nameMatches(value.get(), pattern)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }
}
