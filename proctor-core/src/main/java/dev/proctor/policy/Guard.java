package dev.proctor.policy;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.List;
import java.util.Set;

/**
 * A cheap necessary condition of a rule's CEL condition: when the guard says the condition cannot
 * hold, the condition is certain to evaluate to {@code false} (never to an error) and the policy
 * skips it without running CEL.
 *
 * <p>Why. The rules that protect secrets, Proctor itself and the agent's configuration match every
 * class, so they are candidates for every request, and a CEL evaluation costs roughly half a
 * microsecond per operator and loop step. Their conditions are disjunctions of tag and label tests
 * and loops over the request's paths, which are false for most requests: a shell command without
 * file targets has no paths to loop over and no risk tags.
 *
 * <p>How. The guard is derived from the checked expression at load time, from the top-level {@code
 * ||} and {@code &&} only (never from inside a loop, so no loop variable can shadow a request
 * variable). It recognizes three exact atoms, {@code "lit" in tags|labels|classes}, {@code class ==
 * "lit"}, and a loop over a request list that starts from {@code false} and returns its accumulator
 * (what {@code exists} expands to), which is {@code false} when the list is empty. Anything else is
 * {@link #ALWAYS}: evaluate. CEL's {@code ||} and {@code &&} are commutative over errors ({@code
 * false && error} is {@code false}), so {@code a || b} is false when both are certainly false and
 * {@code a && b} is false when either is.
 */
sealed interface Guard {

  /** No knowledge: the condition must be evaluated. */
  Guard ALWAYS = new Always();

  /** False only when the condition is certain to evaluate to {@code false}. */
  boolean mayHold(RequestView view);

  /** The guard of a type-checked condition. */
  static Guard of(CelExpr expr) {
    switch (expr.getKind()) {
      case CALL -> {
        CelExpr.CelCall call = expr.call();
        if (call.target().isPresent()) {
          return ALWAYS;
        }
        List<CelExpr> args = call.args();
        switch (call.function()) {
          case "_||_" -> {
            Guard out = null;
            for (CelExpr a : args) {
              Guard g = of(a);
              if (g == ALWAYS) {
                return ALWAYS;
              }
              out = out == null ? g : new Or(out, g);
            }
            return out == null ? ALWAYS : out;
          }
          case "_&&_" -> {
            Guard out = null;
            for (CelExpr a : args) {
              Guard g = of(a);
              if (g != ALWAYS) {
                out = out == null ? g : new And(out, g);
              }
            }
            return out == null ? ALWAYS : out;
          }
          case "@in" -> {
            if (args.size() == 2) {
              String lit = stringConstant(args.get(0));
              String list = ident(args.get(1));
              if (lit != null && list != null && Member.LISTS.contains(list)) {
                return new Member(list, lit);
              }
            }
            return ALWAYS;
          }
          case "_==_" -> {
            if (args.size() == 2) {
              String lit = stringConstant(args.get(1));
              String var = ident(args.get(0));
              if (lit == null) {
                lit = stringConstant(args.get(0));
                var = ident(args.get(1));
              }
              if (lit != null && "class".equals(var)) {
                return new ClassIs(lit);
              }
            }
            return ALWAYS;
          }
          default -> {
            return ALWAYS;
          }
        }
      }
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = expr.comprehension();
        String range = ident(c.iterRange());
        boolean startsFalse =
            c.accuInit().getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && c.accuInit().constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE
                && !c.accuInit().constant().booleanValue();
        boolean returnsAccu = c.accuVar().equals(ident(c.result()));
        if (range != null && NonEmpty.LISTS.contains(range) && startsFalse && returnsAccu) {
          return new NonEmpty(range);
        }
        return ALWAYS;
      }
      default -> {
        return ALWAYS;
      }
    }
  }

  private static String stringConstant(CelExpr e) {
    if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && e.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
      return e.constant().stringValue();
    }
    return null;
  }

  private static String ident(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.IDENT ? e.ident().name() : null;
  }

  /** Unknown: always evaluate. */
  record Always() implements Guard {
    @Override
    public boolean mayHold(RequestView view) {
      return true;
    }
  }

  /** {@code "value" in list} for a request set of strings, exactly. */
  record Member(String list, String value) implements Guard {
    static final Set<String> LISTS = Set.of("tags", "labels", "classes");

    @Override
    public boolean mayHold(RequestView view) {
      return view.setContains(list, value);
    }
  }

  /** {@code class == "value"}, exactly. */
  record ClassIs(String value) implements Guard {
    @Override
    public boolean mayHold(RequestView view) {
      return view.actionClass().equals(value);
    }
  }

  /** A loop over a request list that is false when the list is empty. */
  record NonEmpty(String list) implements Guard {
    static final Set<String> LISTS =
        Set.of(
            "paths",
            "urls",
            "domains",
            "branches",
            "targets",
            "tags",
            "labels",
            "classes",
            "delegation_chain");

    @Override
    public boolean mayHold(RequestView view) {
      return !view.listIsEmpty(list);
    }
  }

  /** Either may hold. */
  record Or(Guard left, Guard right) implements Guard {
    @Override
    public boolean mayHold(RequestView view) {
      return left.mayHold(view) || right.mayHold(view);
    }
  }

  /** Both may hold. */
  record And(Guard left, Guard right) implements Guard {
    @Override
    public boolean mayHold(RequestView view) {
      return left.mayHold(view) && right.mayHold(view);
    }
  }
}
