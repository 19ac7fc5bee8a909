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

  boolean matchesPrincipal(Principal principal) {
    for (Map.Entry<String, List<String>> e : rule.match().principal().entrySet()) {
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
