package dev.proctor.policy;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy helper functions, each overload declared once: the row gives CEL's declaration (name,
 * overload id, receiver style, types), CEL's runtime binding and the {@link Direct} evaluator's
 * implementation, all from the same {@link Impl}. The implementations are {@link CelFunctions}; an
 * {@link IllegalArgumentException} from one is an evaluation error.
 */
final class Helpers {

  private static final CelType STRING = SimpleType.STRING;
  private static final CelType BOOL = SimpleType.BOOL;
  private static final CelType STRINGS = ListType.create(SimpleType.STRING);

  /** A helper's body, over arguments of the declared types. */
  interface Impl {
    Object apply(Object[] args);
  }

  /** One overload: {@code member} means called as {@code args[0].function(args[1…])}. */
  record Overload(
      String function, String id, boolean member, CelType result, List<CelType> params, Impl impl) {

    /** CEL's declaration of this overload. */
    CelOverloadDecl declaration() {
      return member
          ? CelOverloadDecl.newMemberOverload(id, result, params)
          : CelOverloadDecl.newGlobalOverload(id, result, params);
    }

    /** CEL's runtime binding: helper errors become evaluation errors. */
    CelFunctionBinding binding() {
      List<Class<?>> classes = new ArrayList<>();
      for (CelType p : params) {
        classes.add(p.kind() == CelKind.LIST ? List.class : String.class);
      }
      return CelFunctionBinding.from(
          id,
          classes,
          args -> {
            try {
              return impl.apply(args);
            } catch (IllegalArgumentException e) {
              throw new CelEvaluationException(e.getMessage(), e);
            }
          });
    }
  }

  private static final Impl INSIDE = a -> CelFunctions.inside((String) a[0], (String) a[1]);
  private static final Impl MATCHES = a -> CelFunctions.matches((String) a[0], (String) a[1]);

  /** Every overload, in the order docs/policy-language.md lists the functions. */
  static final List<Overload> ALL =
      List.of(
          new Overload(
              "inside", "inside_string_string", false, BOOL, List.of(STRING, STRING), INSIDE),
          new Overload(
              "inside", "string_inside_string", true, BOOL, List.of(STRING, STRING), INSIDE),
          new Overload(
              "url_host",
              "url_host_string",
              false,
              STRING,
              List.of(STRING),
              a -> CelFunctions.urlHost((String) a[0])),
          new Overload(
              "email_domain",
              "email_domain_string",
              false,
              STRING,
              List.of(STRING),
              a -> CelFunctions.emailDomain((String) a[0])),
          new Overload(
              "domain_matches",
              "domain_matches_string_string",
              false,
              BOOL,
              List.of(STRING, STRING),
              a -> CelFunctions.domainMatches((String) a[0], (String) a[1])),
          new Overload(
              "domain_matches",
              "domain_matches_string_list",
              false,
              BOOL,
              List.of(STRING, STRINGS),
              a -> CelFunctions.domainMatchesAny((String) a[0], (List<?>) a[1])),
          new Overload(
              "glob",
              "glob_string_string",
              false,
              BOOL,
              List.of(STRING, STRING),
              a -> CelFunctions.glob((String) a[0], (String) a[1])),
          new Overload(
              "glob",
              "glob_string_list",
              false,
              BOOL,
              List.of(STRING, STRINGS),
              a -> CelFunctions.globAny((String) a[0], (List<?>) a[1])));

  /**
   * Overloads of CEL's standard library that Proctor binds itself, declared by CEL: {@code
   * matches}, so that a regex literal is compiled when the policy loads instead of on every call.
   */
  static final List<Overload> REPLACED =
      List.of(
          new Overload("matches", "matches", false, BOOL, List.of(STRING, STRING), MATCHES),
          new Overload(
              "matches",
              "matches_string",
              true,
              BOOL,
              List.of(STRING, STRING),
              a -> CelFunctions.matches((String) a[0], (String) a[1])));

  private static final Map<String, Overload> BY_ID = byId();

  private Helpers() {}

  private static Map<String, Overload> byId() {
    Map<String, Overload> out = new LinkedHashMap<>();
    List<Overload> all = new ArrayList<>(ALL);
    all.addAll(REPLACED);
    for (Overload o : all) {
      if (out.put(o.id(), o) != null) {
        throw new IllegalStateException("overload declared twice: " + o.id());
      }
    }
    return Map.copyOf(out);
  }

  /** The overload with this id, if it is a helper. */
  static Optional<Overload> overload(String id) {
    return Optional.ofNullable(BY_ID.get(id));
  }

  /** CEL's function declarations: the overloads grouped by function name. */
  static List<CelFunctionDecl> declarations() {
    Map<String, List<CelOverloadDecl>> byName = new LinkedHashMap<>();
    for (Overload o : ALL) {
      byName.computeIfAbsent(o.function(), k -> new ArrayList<>()).add(o.declaration());
    }
    List<CelFunctionDecl> out = new ArrayList<>();
    byName.forEach(
        (name, overloads) -> out.add(CelFunctionDecl.newFunctionDeclaration(name, overloads)));
    return out;
  }

  /** CEL's runtime bindings, of {@link #ALL} and {@link #REPLACED}. */
  static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> out = new ArrayList<>();
    for (Overload o : BY_ID.values()) {
      out.add(o.binding());
    }
    return out;
  }
}
