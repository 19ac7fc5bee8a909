package dev.proctor.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one CEL environment every policy condition is compiled in: the declared request variables,
 * the typed helper functions and CEL's own extension libraries for strings ({@code split}, {@code
 * lowerAscii}, {@code replace}, {@code join} …), lists ({@code distinct}, {@code flatten}, {@code
 * sort} …), sets ({@code sets.contains}, {@code sets.intersects} …) and math ({@code
 * math.greatest}, {@code math.abs} …). Conditions are parsed and type-checked when the policy
 * loads, must yield a bool, and are planned once into a program that is reused for every request.
 */
final class PolicyCel {

  private static final CelType STRING = SimpleType.STRING;
  private static final CelType BOOL = SimpleType.BOOL;
  private static final CelType STRINGS = ListType.create(SimpleType.STRING);

  /** Every variable a condition may read, with its type; documented in docs/policy-language.md. */
  static final Map<String, CelType> VARIABLES = variables();

  /**
   * Which fast paths conditions get: {@code -Dproctor.policy.fastPaths=guard,direct} (the default),
   * {@code guard}, {@code direct} or {@code none}, to measure what each earns.
   */
  private static final String FAST_PATHS =
      System.getProperty("proctor.policy.fastPaths", "guard,direct");

  private static final boolean GUARD = FAST_PATHS.contains("guard");
  private static final boolean DIRECT = FAST_PATHS.contains("direct");

  /**
   * Options shared by compiler and runtime: {@code 100 < 100.5} compares numbers of different types
   * as numbers (amounts are doubles, literals often ints).
   */
  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  private static final CelCompiler COMPILER = compiler();
  private static final CelRuntime RUNTIME = runtime();

  private PolicyCel() {}

  private static Map<String, CelType> variables() {
    Map<String, CelType> v = new LinkedHashMap<>();
    v.put("tool", STRING);
    v.put("operation", STRING);
    v.put("surface", STRING);
    v.put("class", STRING);
    v.put("classes", STRINGS);
    v.put("arguments", SimpleType.DYN);
    v.put("targets", ListType.create(MapType.create(STRING, STRING)));
    v.put("paths", STRINGS);
    v.put("urls", STRINGS);
    v.put("domains", STRINGS);
    v.put("branches", STRINGS);
    v.put("labels", STRINGS);
    v.put("tags", STRINGS);
    v.put("principal", MapType.create(STRING, SimpleType.DYN));
    v.put("delegation_chain", STRINGS);
    v.put("context", MapType.create(STRING, SimpleType.DYN));
    v.put("cwd", STRING);
    v.put("home", STRING);
    v.put("allowlist", MapType.create(STRING, STRINGS));
    v.put("lists", MapType.create(STRING, STRINGS));
    v.put("recipients", STRINGS);
    v.put("amounts", ListType.create(SimpleType.DOUBLE));
    v.put("targets_by_kind", MapType.create(STRING, STRINGS));
    return java.util.Collections.unmodifiableMap(v);
  }

  private static CelCompiler compiler() {
    var b =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(
                CelExtensions.strings(),
                CelExtensions.lists(),
                CelExtensions.sets(OPTIONS),
                CelExtensions.math())
            .setResultType(BOOL);
    VARIABLES.forEach(b::addVar);
    b.addFunctionDeclarations(Helpers.declarations());
    return b.build();
  }

  private static CelRuntime runtime() {
    return CelRuntimeFactory.plannerRuntimeBuilder()
        .setOptions(OPTIONS)
        .addLibraries(
            CelExtensions.strings(),
            CelExtensions.lists(),
            CelExtensions.sets(OPTIONS),
            CelExtensions.math())
        .setStandardFunctions(
            CelStandardFunctions.newBuilder()
                .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES)
                .build())
        .addFunctionBindings(Helpers.bindings())
        .build();
  }

  /**
   * Compiles every regex literal given to {@code matches} (which keeps it for evaluation); an
   * invalid one is an issue at the literal's position.
   */
  private static void checkRegexLiterals(CelAbstractSyntaxTree ast, CelExpr e, List<Issue> out) {
    for (CelExpr child : children(e)) {
      checkRegexLiterals(ast, child, out);
    }
    if (e.getKind() != CelExpr.ExprKind.Kind.CALL || !e.call().function().equals("matches")) {
      return;
    }
    List<CelExpr> args = e.call().args();
    CelExpr regex = args.get(args.size() - 1);
    if (regex.getKind() != CelExpr.ExprKind.Kind.CONSTANT
        || regex.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
      return;
    }
    try {
      CelFunctions.pattern(regex.constant().stringValue());
    } catch (IllegalArgumentException x) {
      Integer offset = ast.getSource().getPositionsMap().get(regex.id());
      CelSourceLocation at =
          offset == null ? null : ast.getSource().getOffsetLocation(offset).orElse(null);
      out.add(
          new Issue(
              at == null ? 1 : at.getLine(), at == null ? 0 : at.getColumn(), x.getMessage()));
    }
  }

  private static List<CelExpr> children(CelExpr e) {
    List<CelExpr> out = new ArrayList<>();
    switch (e.getKind()) {
      case CALL -> {
        e.call().target().ifPresent(out::add);
        out.addAll(e.call().args());
      }
      case SELECT -> out.add(e.select().operand());
      case LIST -> out.addAll(e.list().elements());
      case MAP ->
          e.map()
              .entries()
              .forEach(
                  x -> {
                    out.add(x.key());
                    out.add(x.value());
                  });
      case STRUCT -> e.struct().entries().forEach(x -> out.add(x.value()));
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        out.addAll(
            List.of(c.iterRange(), c.accuInit(), c.loopCondition(), c.loopStep(), c.result()));
      }
      default -> {}
    }
    return out;
  }

  /**
   * A compiled condition (null when it failed), or the problems that stopped it (1-based line,
   * 0-based column).
   */
  record Compiled(Condition condition, List<Issue> issues) {}

  /**
   * Every name a condition may use: the variables, the macros, and the functions of CEL's standard
   * library, its extension libraries declared above, and Proctor's helpers.
   */
  static final java.util.Set<String> KNOWN_NAMES = knownNames();

  private static java.util.Set<String> knownNames() {
    java.util.Set<String> names = new java.util.TreeSet<>(VARIABLES.keySet());
    names.addAll(List.of("all", "exists", "exists_one", "filter", "has", "map"));
    for (var f : dev.cel.checker.CelStandardDeclarations.StandardFunction.values()) {
      names.add(f.functionName());
    }
    List<dev.cel.common.CelFunctionDecl> decls = new ArrayList<>(Helpers.declarations());
    decls.addAll(CelExtensions.strings().functions());
    decls.addAll(CelExtensions.lists().functions());
    decls.addAll(CelExtensions.sets(OPTIONS).functions());
    decls.addAll(CelExtensions.math().functions());
    decls.forEach(d -> names.add(d.name()));
    names.removeIf(n -> !n.matches("[A-Za-z_][A-Za-z0-9_.]*"));
    return java.util.Collections.unmodifiableSet(names);
  }

  private static final java.util.regex.Pattern UNDECLARED =
      java.util.regex.Pattern.compile("undeclared reference to '([^']+)'");

  /** CEL's message, with "did you mean" after an undeclared name that is near a known one. */
  static String withSuggestion(String message) {
    java.util.regex.Matcher m = UNDECLARED.matcher(message);
    if (!m.find()) {
      return message;
    }
    String hint = dev.proctor.yaml.DidYouMean.hint(m.group(1), KNOWN_NAMES);
    return hint.isEmpty()
        ? message
        : message.substring(0, m.end()) + hint + message.substring(m.end());
  }

  /** One compile problem inside an expression. */
  record Issue(int line, int column, String message) {}

  /** Parses, type-checks and plans an expression. */
  static Compiled compile(String expression) {
    CelValidationResult result = COMPILER.compile(expression);
    if (result.hasError()) {
      List<Issue> issues = new ArrayList<>();
      for (CelIssue i : result.getErrors()) {
        issues.add(
            new Issue(
                i.getSourceLocation().getLine(),
                i.getSourceLocation().getColumn(),
                withSuggestion(i.getMessage())));
      }
      return new Compiled(null, issues);
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      List<Issue> regexIssues = new ArrayList<>();
      checkRegexLiterals(ast, ast.getExpr(), regexIssues);
      if (!regexIssues.isEmpty()) {
        return new Compiled(null, regexIssues);
      }
      return new Compiled(
          new Condition(
              RUNTIME.createProgram(ast),
              GUARD ? Guard.of(ast.getExpr()) : Guard.ALWAYS,
              DIRECT ? Direct.of(ast) : Optional.empty()),
          List.of());
    } catch (CelValidationException | CelEvaluationException e) {
      return new Compiled(null, List.of(new Issue(1, 0, e.getMessage())));
    }
  }

  /**
   * The value of a condition that is a constant, as far as a simple fold shows: literals, {@code
   * !}, {@code &&}, {@code ||} (either side deciding) and {@code ==}/{@code !=} between literals.
   * Empty when the value depends on the request (or the expression does not compile).
   */
  static Optional<Boolean> constantValue(String expression) {
    CelValidationResult result = COMPILER.compile(expression);
    if (result.hasError()) {
      return Optional.empty();
    }
    try {
      Object v = fold(result.getAst().getExpr());
      return v instanceof Boolean b ? Optional.of(b) : Optional.empty();
    } catch (CelValidationException e) {
      return Optional.empty();
    }
  }

  /** A constant expression's value, or null when it is not constant to this fold. */
  private static Object fold(CelExpr e) {
    if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
      CelConstant c = e.constant();
      return switch (c.getKind()) {
        case BOOLEAN_VALUE -> c.booleanValue();
        case STRING_VALUE -> c.stringValue();
        case INT64_VALUE -> c.int64Value();
        default -> null;
      };
    }
    if (e.getKind() != CelExpr.ExprKind.Kind.CALL) {
      return null;
    }
    CelExpr.CelCall call = e.call();
    List<CelExpr> args = call.args();
    switch (call.function()) {
      case "!_" -> {
        return fold(args.get(0)) instanceof Boolean b ? !b : null;
      }
      case "_&&_", "_||_" -> {
        boolean and = call.function().equals("_&&_");
        Object a = fold(args.get(0));
        Object b = fold(args.get(1));
        if (Boolean.valueOf(!and).equals(a) || Boolean.valueOf(!and).equals(b)) {
          return !and; // false && x, true || x
        }
        return a instanceof Boolean && b instanceof Boolean ? and : null;
      }
      case "_==_", "_!=_" -> {
        Object a = fold(args.get(0));
        Object b = fold(args.get(1));
        if (a == null || b == null || a.getClass() != b.getClass()) {
          return null;
        }
        return a.equals(b) == call.function().equals("_==_");
      }
      default -> {
        return null;
      }
    }
  }
}
