package dev.proctor.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A direct evaluator for the part of CEL that policy conditions use, run instead of the CEL program
 * when it can decide: a condition evaluated here yields {@code true} or {@code false}, or {@link
 * #ERROR}, and on an error the policy runs the real CEL program, which stays the authority for
 * errors and their messages.
 *
 * <p>Why. On JDK 17 the CEL runtime spends most of a condition's time converting values between its
 * own and Java representations (a type check of every value against several interfaces, which is
 * slow on JDKs before 23), and it rebuilds list literals such as a rule's twenty secret-file globs
 * on every evaluation. A condition with one loop over the request's paths cost 1–3 µs; here it
 * costs what its helper functions cost.
 *
 * <p>What it covers. Only checked expressions whose every node is of a known type (never {@code
 * dyn}, so never {@code arguments}): string, int and bool constants; request variables and loop
 * variables; list literals (built once when constant) and map field selection; {@code || && !} with
 * CEL's error-absorbing semantics; {@code == !=} on strings, ints and bools; int comparisons;
 * {@code in} on lists of strings and string-keyed maps; {@code size} of lists and maps; the string
 * methods {@code startsWith endsWith contains}; the policy helpers; and comprehensions over lists
 * (what {@code exists}, {@code all} and {@code exists_one} expand to). Anything else compiles to
 * nothing and the rule keeps using CEL alone. {@code GuardTest} and {@code DirectTest} check that
 * both evaluators agree on the default pack and on every construct here.
 */
final class Direct {

  /** The result of a condition that failed to evaluate. */
  static final Object ERROR = new Object();

  /** The result of a condition this evaluator leaves to CEL (see {@link Fallback}). */
  static final Object UNDECIDED = new Object();

  private final Node root;
  private final int slots;

  private Direct(Node root, int slots) {
    this.root = root;
    this.slots = slots;
  }

  /**
   * Evaluates: {@link Boolean#TRUE}, {@link Boolean#FALSE}, {@link #ERROR} or {@link #UNDECIDED};
   * on the last two the caller runs CEL.
   */
  Object eval(RequestView view) {
    Object r;
    try {
      r = root.eval(view, slots == 0 ? NO_LOCALS : new Object[slots]);
    } catch (Fallback f) {
      return UNDECIDED;
    }
    return r instanceof Boolean ? r : ERROR;
  }

  /**
   * Thrown where a {@code dyn} value has a runtime type this evaluator does not decide (a double
   * compared with an int, two lists compared): the whole condition goes to CEL. Unlike {@link
   * #ERROR} it is never absorbed by {@code ||} or {@code &&}, because CEL might not fail there.
   */
  private static final class Fallback extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Fallback INSTANCE = new Fallback();

    private Fallback() {
      super("not decided here", null, false, false);
    }
  }

  private static final Object[] NO_LOCALS = new Object[0];

  /** The direct form of a checked condition, if every part of it is covered. */
  static Optional<Direct> of(CelAbstractSyntaxTree ast) {
    Planner p = new Planner(ast);
    Node root = p.plan(ast.getExpr());
    return root == null ? Optional.empty() : Optional.of(new Direct(root, p.slots));
  }

  private interface Node {
    Object eval(RequestView view, Object[] locals);
  }

  /** Turns checked expressions into nodes; null means not covered. */
  private static final class Planner {
    private final CelAbstractSyntaxTree ast;
    private final Deque<Map<String, Integer>> scopes = new ArrayDeque<>();
    private int slots;

    Planner(CelAbstractSyntaxTree ast) {
      this.ast = ast;
    }

    private CelType type(CelExpr e) {
      return ast.getType(e.id()).orElse(SimpleType.DYN);
    }

    /**
     * The static types covered: string, int, bool, {@code dyn} (JSON arguments, whose runtime type
     * is checked where it matters), and lists and string- or dyn-keyed maps of them.
     */
    private static boolean concrete(CelType t) {
      CelKind k = t.kind();
      if (k == CelKind.STRING || k == CelKind.INT || k == CelKind.BOOL || k == CelKind.DYN) {
        return true;
      }
      if (k == CelKind.LIST || k == CelKind.MAP) {
        for (CelType p : t.parameters()) {
          if (!concrete(p)) {
            return false;
          }
        }
        CelKind key = k == CelKind.MAP ? t.parameters().get(0).kind() : CelKind.STRING;
        return key == CelKind.STRING || key == CelKind.DYN;
      }
      return false;
    }

    private static boolean scalar(CelType t) {
      CelKind k = t.kind();
      return k == CelKind.STRING || k == CelKind.INT || k == CelKind.BOOL;
    }

    Node plan(CelExpr e) {
      if (!concrete(type(e))) {
        return null;
      }
      return switch (e.getKind()) {
        case CONSTANT -> constant(e.constant());
        case IDENT -> ident(e.ident().name());
        case SELECT -> select(e);
        case LIST -> list(e);
        case CALL -> call(e);
        case COMPREHENSION -> comprehension(e);
        default -> null;
      };
    }

    private static Node constant(CelConstant c) {
      Object v =
          switch (c.getKind()) {
            case STRING_VALUE -> c.stringValue();
            case INT64_VALUE -> c.int64Value();
            case BOOLEAN_VALUE -> c.booleanValue();
            default -> null;
          };
      return v == null ? null : new Const(v);
    }

    private Node ident(String name) {
      for (Map<String, Integer> scope : scopes) {
        Integer slot = scope.get(name);
        if (slot != null) {
          return (view, locals) -> locals[slot];
        }
      }
      int slot = RequestView.slot(name);
      if (slot < 0) {
        return null;
      }
      return (view, locals) -> {
        Optional<Object> v = view.find(slot, name);
        return v.isPresent() ? v.get() : ERROR;
      };
    }

    private Node select(CelExpr e) {
      CelExpr.CelSelect s = e.select();
      CelKind kind = type(s.operand()).kind();
      if (kind != CelKind.MAP && kind != CelKind.DYN) {
        return null;
      }
      Node operand = plan(s.operand());
      if (operand == null) {
        return null;
      }
      String field = s.field();
      if (s.operand().getKind() == CelExpr.ExprKind.Kind.IDENT
          && s.operand().ident().name().equals("principal")
          && scopes.stream().noneMatch(scope -> scope.containsKey("principal"))
          && RequestView.PRINCIPAL_SCALARS.contains(field)) {
        // principal.human and the other scalar fields: read from the request, without building the
        // principal's map (which also converts its groups, roles and attributes).
        if (s.testOnly()) {
          return (view, locals) -> view.principalScalar(field) != null;
        }
        return (view, locals) -> {
          Object v = view.principalScalar(field);
          return v == null ? ERROR : v;
        };
      }
      if (s.testOnly()) {
        // has(m.f): a key test on a map; anything else fails in CEL too.
        return (view, locals) -> {
          Object m = operand.eval(view, locals);
          return m instanceof Map<?, ?> map ? (Object) map.containsKey(field) : ERROR;
        };
      }
      return (view, locals) -> {
        Object m = operand.eval(view, locals);
        if (!(m instanceof Map<?, ?> map)) {
          return ERROR;
        }
        Object v = map.get(field);
        return v == null ? ERROR : v;
      };
    }

    private Node list(CelExpr e) {
      CelExpr.CelList l = e.list();
      if (!l.optionalIndices().isEmpty()) {
        return null;
      }
      List<Node> items = new ArrayList<>();
      boolean constant = true;
      for (CelExpr item : l.elements()) {
        Node n = plan(item);
        if (n == null) {
          return null;
        }
        constant &= n instanceof Const;
        items.add(n);
      }
      if (constant) {
        List<Object> values = new ArrayList<>();
        for (Node n : items) {
          values.add(((Const) n).value);
        }
        return new Const(List.copyOf(values));
      }
      Node[] nodes = items.toArray(new Node[0]);
      return (view, locals) -> {
        List<Object> out = new ArrayList<>(nodes.length);
        for (Node n : nodes) {
          Object v = n.eval(view, locals);
          if (v == ERROR) {
            return ERROR;
          }
          out.add(v);
        }
        return out;
      };
    }

    private Node call(CelExpr e) {
      Optional<CelReference> ref = ast.getReference(e.id());
      if (ref.isEmpty() || ref.get().overloadIds().isEmpty()) {
        return null;
      }
      CelExpr.CelCall c = e.call();
      List<CelExpr> argExprs = new ArrayList<>();
      c.target().ifPresent(argExprs::add);
      argExprs.addAll(c.args());
      Node[] a = new Node[argExprs.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = plan(argExprs.get(i));
        if (a[i] == null) {
          return null;
        }
      }
      if (ref.get().overloadIds().size() > 1) {
        return dynamic(c.function(), a);
      }
      String overload = ref.get().overloadIds().get(0);
      switch (overload) {
        case "logical_or":
          return a.length == 2 ? or(a[0], a[1]) : null;
        case "logical_and":
          return a.length == 2 ? and(a[0], a[1]) : null;
        case "logical_not":
          return a.length == 1 ? strict(a, v -> !(Boolean) v[0]) : null;
        case "not_strictly_false":
          return a.length == 1
              ? (view, locals) -> !Boolean.FALSE.equals(a[0].eval(view, locals))
              : null;
        case "equals":
        case "not_equals":
          {
            if (a.length != 2) {
              return null;
            }
            boolean eq = overload.equals("equals");
            if (scalar(type(argExprs.get(0)))
                && type(argExprs.get(0)).equals(type(argExprs.get(1)))) {
              return strict(a, v -> Objects.equals(v[0], v[1]) == eq);
            }
            return strict(a, v -> dynEquals(v[0], v[1]) == eq);
          }
        case "add_int64":
          return strict(a, v -> Math.addExact((Long) v[0], (Long) v[1]));
        case "subtract_int64":
          return strict(a, v -> Math.subtractExact((Long) v[0], (Long) v[1]));
        case "less_int64":
          return strict(a, v -> (Long) v[0] < (Long) v[1]);
        case "less_equals_int64":
          return strict(a, v -> (Long) v[0] <= (Long) v[1]);
        case "greater_int64":
          return strict(a, v -> (Long) v[0] > (Long) v[1]);
        case "greater_equals_int64":
          return strict(a, v -> (Long) v[0] >= (Long) v[1]);
        case "in_list":
          if (type(argExprs.get(0)).kind() != CelKind.STRING) {
            return strict(a, v -> in(v[0], v[1]));
          }
          // A string equals only strings, in CEL as in Java.
          return strict(a, v -> ((List<?>) v[1]).contains(v[0]));
        case "in_map":
          if (type(argExprs.get(0)).kind() != CelKind.STRING) {
            return strict(a, v -> in(v[0], v[1]));
          }
          return strict(a, v -> ((Map<?, ?>) v[1]).containsKey(v[0]));
        case "size_list":
        case "list_size":
          return strict(a, v -> (long) ((List<?>) v[0]).size());
        case "size_map":
        case "map_size":
          return strict(a, v -> (long) ((Map<?, ?>) v[0]).size());
        case "add_string":
          return strict(a, v -> (String) v[0] + (String) v[1]);
        case "starts_with_string":
          return strict(a, v -> ((String) v[0]).startsWith((String) v[1]));
        case "ends_with_string":
          return strict(a, v -> ((String) v[0]).endsWith((String) v[1]));
        case "contains_string":
          return strict(a, v -> ((String) v[0]).contains((String) v[1]));
        default:
          return Helpers.overload(overload).map(h -> strict(a, h.impl()::apply)).orElse(null);
      }
    }

    private Node comprehension(CelExpr e) {
      CelExpr.CelComprehension c = e.comprehension();
      CelKind rangeKind = type(c.iterRange()).kind();
      if (!c.iterVar2().isEmpty() || (rangeKind != CelKind.LIST && rangeKind != CelKind.DYN)) {
        return null;
      }
      Node range = plan(c.iterRange());
      Node init = range == null ? null : plan(c.accuInit());
      if (init == null) {
        return null;
      }
      int accu = slots++;
      scopes.push(Map.of(c.accuVar(), accu));
      Node result = plan(c.result());
      int iter = slots++;
      scopes.push(Map.of(c.iterVar(), iter));
      Node condition = plan(c.loopCondition());
      Node step = plan(c.loopStep());
      scopes.pop();
      scopes.pop();
      if (result == null || condition == null || step == null) {
        return null;
      }
      return (view, locals) -> {
        Object items = range.eval(view, locals);
        if (items instanceof Map<?, ?> map) {
          items = map.keySet();
        }
        if (!(items instanceof Collection<?> list)) {
          return ERROR;
        }
        locals[accu] = init.eval(view, locals);
        if (locals[accu] == ERROR) {
          return ERROR;
        }
        for (Object item : list) {
          locals[iter] = item;
          Object go = condition.eval(view, locals);
          if (!(go instanceof Boolean)) {
            return ERROR;
          }
          if (!(Boolean) go) {
            break;
          }
          locals[accu] = step.eval(view, locals);
        }
        return result.eval(view, locals);
      };
    }
  }

  /**
   * A call CEL resolves at run time (an operand is {@code dyn}): decided here only for runtime
   * types whose CEL semantics are plain Java ones, else {@link Fallback}.
   */
  private static Node dynamic(String function, Node[] a) {
    return switch (function) {
      case "_==_" -> a.length == 2 ? strict(a, v -> dynEquals(v[0], v[1])) : null;
      case "_!=_" -> a.length == 2 ? strict(a, v -> !dynEquals(v[0], v[1])) : null;
      case "_<_" -> a.length == 2 ? strict(a, v -> compare(v[0], v[1]) < 0) : null;
      case "_<=_" -> a.length == 2 ? strict(a, v -> compare(v[0], v[1]) <= 0) : null;
      case "_>_" -> a.length == 2 ? strict(a, v -> compare(v[0], v[1]) > 0) : null;
      case "_>=_" -> a.length == 2 ? strict(a, v -> compare(v[0], v[1]) >= 0) : null;
      case "@in" -> a.length == 2 ? strict(a, v -> in(v[0], v[1])) : null;
      case "size" -> a.length == 1 ? strict(a, v -> size(v[0])) : null;
      default -> null;
    };
  }

  /** CEL equality where it is Java's: two strings, two ints or two bools. */
  private static boolean dynEquals(Object x, Object y) {
    if (x.getClass() == y.getClass()
        && (x instanceof String || x instanceof Long || x instanceof Boolean)) {
      return x.equals(y);
    }
    throw Fallback.INSTANCE;
  }

  /** CEL ordering of two ints; other pairs (doubles, strings, mixed numbers) go to CEL. */
  private static int compare(Object x, Object y) {
    if (x instanceof Long l && y instanceof Long r) {
      return Long.compare(l, r);
    }
    throw Fallback.INSTANCE;
  }

  /** {@code in} for a string, int or bool in a list of values of its own class, or a map key. */
  private static boolean in(Object value, Object container) {
    if (container instanceof Map<?, ?> map && value instanceof String) {
      return map.containsKey(value);
    }
    if (container instanceof List<?> list
        && (value instanceof String || value instanceof Long || value instanceof Boolean)) {
      for (Object item : list) {
        if (item.getClass() != value.getClass()) {
          throw Fallback.INSTANCE;
        }
      }
      return list.contains(value);
    }
    throw Fallback.INSTANCE;
  }

  /** {@code size} of a list or map; strings (code points) and bytes go to CEL. */
  private static long size(Object v) {
    if (v instanceof List<?> list) {
      return list.size();
    }
    if (v instanceof Map<?, ?> map) {
      return map.size();
    }
    throw Fallback.INSTANCE;
  }

  /** A constant, kept apart so that constant list literals are built once. */
  private record Const(Object value) implements Node {
    @Override
    public Object eval(RequestView view, Object[] locals) {
      return value;
    }
  }

  private interface Fn {
    Object apply(Object[] args);
  }

  /** A function that needs all its arguments: any error is the result. */
  private static Node strict(Node[] args, Fn fn) {
    return (view, locals) -> {
      Object[] v = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        v[i] = args[i].eval(view, locals);
        if (v[i] == ERROR) {
          return ERROR;
        }
      }
      try {
        return fn.apply(v);
      } catch (IllegalArgumentException | ClassCastException | ArithmeticException e) {
        return ERROR;
      }
    };
  }

  /** CEL's {@code ||}: true if either side is true, even when the other is an error. */
  private static Node or(Node left, Node right) {
    return (view, locals) -> {
      Object l = left.eval(view, locals);
      if (Boolean.TRUE.equals(l)) {
        return true;
      }
      Object r = right.eval(view, locals);
      if (Boolean.TRUE.equals(r)) {
        return true;
      }
      return Boolean.FALSE.equals(l) && Boolean.FALSE.equals(r) ? Boolean.FALSE : ERROR;
    };
  }

  /** CEL's {@code &&}: false if either side is false, even when the other is an error. */
  private static Node and(Node left, Node right) {
    return (view, locals) -> {
      Object l = left.eval(view, locals);
      if (Boolean.FALSE.equals(l)) {
        return false;
      }
      Object r = right.eval(view, locals);
      if (Boolean.FALSE.equals(r)) {
        return false;
      }
      return Boolean.TRUE.equals(l) && Boolean.TRUE.equals(r) ? Boolean.TRUE : ERROR;
    };
  }
}
