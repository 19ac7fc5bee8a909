package dev.proctor.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one CEL environment every policy condition is compiled in: the declared request variables and
 * the typed helper functions. Conditions are parsed and type-checked when the policy loads, must
 * yield a bool, and are planned once into a program that is reused for every request.
 */
final class PolicyCel {

  private static final CelType STRING = SimpleType.STRING;
  private static final CelType BOOL = SimpleType.BOOL;
  private static final CelType STRINGS = ListType.create(SimpleType.STRING);

  /** Every variable a condition may read, with its type; documented in docs/policy-language.md. */
  static final Map<String, CelType> VARIABLES = variables();

  /**
   * Whether conditions get the {@link Guard} and {@link Direct} fast paths; {@code
   * -Dproctor.policy.fastPaths=false} turns both off, to measure what they earn.
   */
  static final boolean FAST_PATHS =
      !"false".equals(System.getProperty("proctor.policy.fastPaths", "true"));

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
    v.put("principal", MapType.create(STRING, STRING));
    v.put("delegation_chain", STRINGS);
    v.put("context", MapType.create(STRING, STRING));
    v.put("cwd", STRING);
    v.put("home", STRING);
    v.put("allowlist", MapType.create(STRING, STRINGS));
    return java.util.Collections.unmodifiableMap(v);
  }

  private static CelCompiler compiler() {
    var b =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(BOOL);
    VARIABLES.forEach(b::addVar);
    b.addFunctionDeclarations(
        CelFunctionDecl.newFunctionDeclaration(
            "inside",
            CelOverloadDecl.newGlobalOverload("inside_string_string", BOOL, STRING, STRING),
            CelOverloadDecl.newMemberOverload("string_inside_string", BOOL, STRING, STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "url_host", CelOverloadDecl.newGlobalOverload("url_host_string", STRING, STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "email_domain",
            CelOverloadDecl.newGlobalOverload("email_domain_string", STRING, STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "domain_matches",
            CelOverloadDecl.newGlobalOverload("domain_matches_string_string", BOOL, STRING, STRING),
            CelOverloadDecl.newGlobalOverload("domain_matches_string_list", BOOL, STRING, STRINGS)),
        CelFunctionDecl.newFunctionDeclaration(
            "glob",
            CelOverloadDecl.newGlobalOverload("glob_string_string", BOOL, STRING, STRING),
            CelOverloadDecl.newGlobalOverload("glob_string_list", BOOL, STRING, STRINGS)));
    return b.build();
  }

  private static CelRuntime runtime() {
    return CelRuntimeFactory.plannerRuntimeBuilder()
        .addFunctionBindings(
            CelFunctionBinding.from(
                "inside_string_string", String.class, String.class, CelFunctions::inside),
            CelFunctionBinding.from(
                "string_inside_string", String.class, String.class, CelFunctions::inside),
            CelFunctionBinding.from(
                "url_host_string", String.class, s -> call(() -> CelFunctions.urlHost(s))),
            CelFunctionBinding.from(
                "email_domain_string", String.class, s -> call(() -> CelFunctions.emailDomain(s))),
            CelFunctionBinding.from(
                "domain_matches_string_string",
                String.class,
                String.class,
                CelFunctions::domainMatches),
            CelFunctionBinding.from(
                "domain_matches_string_list",
                String.class,
                List.class,
                CelFunctions::domainMatchesAny),
            CelFunctionBinding.from(
                "glob_string_string", String.class, String.class, CelFunctions::glob),
            CelFunctionBinding.from(
                "glob_string_list", String.class, List.class, CelFunctions::globAny))
        .build();
  }

  private interface Call {
    Object run();
  }

  private static Object call(Call c) throws CelEvaluationException {
    try {
      return c.run();
    } catch (IllegalArgumentException e) {
      throw new CelEvaluationException(e.getMessage(), e);
    }
  }

  /**
   * A compiled condition (null when it failed), or the problems that stopped it (1-based line,
   * 0-based column).
   */
  record Compiled(Condition condition, List<Issue> issues) {}

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
                i.getMessage()));
      }
      return new Compiled(null, issues);
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      return new Compiled(
          new Condition(
              RUNTIME.createProgram(ast),
              FAST_PATHS ? Guard.of(ast.getExpr()) : Guard.ALWAYS,
              FAST_PATHS ? Direct.of(ast) : Optional.empty()),
          List.of());
    } catch (CelValidationException | CelEvaluationException e) {
      return new Compiled(null, List.of(new Issue(1, 0, e.getMessage())));
    }
  }
}
