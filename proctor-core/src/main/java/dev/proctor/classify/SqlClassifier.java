package dev.proctor.classify;

import dev.proctor.action.Target;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UseStatement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Classifies the SQL a database tool is given, from JSqlParser's parse tree: a read is {@code
 * db.read}; anything that changes data or schema is {@code db.write} ({@code DROP}, {@code
 * TRUNCATE}, {@code DELETE}, {@code UPDATE}, {@code ALTER} and {@code MERGE} also tagged {@code
 * destructive}, DDL {@code ddl}); {@code GRANT}/{@code REVOKE} is {@code access.change}. A SELECT
 * is a read only when it writes nowhere ({@code INTO}), locks nothing ({@code FOR UPDATE}), has no
 * data-modifying {@code WITH}, and calls only functions known to be read-only: {@code SELECT
 * nextval('s')} or {@code SELECT pg_terminate_backend(7)} is a write. Every table named becomes a
 * {@code table} target. SQL the parser cannot read, or a statement kind this class does not know,
 * is {@code shell.unparseable}, the worst class.
 */
final class SqlClassifier {

  /** Longer SQL is not parsed (the parser's time grows with it): the worst class. */
  static final int MAX_LENGTH = 64 * 1024;

  /** Functions that read and compute only. Anything else may write, lock, sleep or signal. */
  private static final Set<String> READ_ONLY_FUNCTIONS =
      Set.of(
          "abs",
          "any_value",
          "approx_count_distinct",
          "array_agg",
          "avg",
          "cast",
          "ceil",
          "ceiling",
          "char_length",
          "coalesce",
          "concat",
          "count",
          "count_if",
          "current_date",
          "current_timestamp",
          "date",
          "date_part",
          "date_trunc",
          "day",
          "dense_rank",
          "extract",
          "first_value",
          "floor",
          "greatest",
          "ifnull",
          "iif",
          "json_agg",
          "jsonb_agg",
          "lag",
          "last_value",
          "lead",
          "least",
          "left",
          "length",
          "lower",
          "ltrim",
          "max",
          "md5",
          "median",
          "min",
          "month",
          "now",
          "ntile",
          "nullif",
          "percentile_cont",
          "position",
          "rank",
          "replace",
          "right",
          "round",
          "row_number",
          "rtrim",
          "split_part",
          "stddev",
          "strftime",
          "string_agg",
          "substr",
          "substring",
          "sum",
          "to_char",
          "to_date",
          "trim",
          "upper",
          "variance",
          "version",
          "sqlite_version",
          "current_user",
          "session_user",
          "current_database",
          "current_schema",
          "database",
          "typeof",
          "group_concat",
          "pg_size_pretty",
          "pg_database_size",
          "pg_relation_size",
          "pg_total_relation_size",
          "pg_table_size",
          "pg_indexes_size",
          "json_extract",
          "datetime",
          "julianday",
          "date_format",
          "year");

  /** Parses on daemon threads so that the parser's own time limit applies. */
  private static final ExecutorService PARSER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "proctor-sql-parser");
            t.setDaemon(true);
            return t;
          });

  private SqlClassifier() {}

  /** Adds the classes, tags and table targets of {@code sql} to the findings. */
  static void classify(String sql, Findings f) {
    if (sql.isBlank() || sql.length() > MAX_LENGTH) {
      unparseable(f);
      return;
    }
    Statements statements;
    try {
      statements = CCJSqlParserUtil.parseStatements(sql, PARSER, p -> p.withTimeOut(2_000));
    } catch (JSQLParserException | RuntimeException | StackOverflowError e) {
      unparseable(f);
      return;
    }
    if (statements == null || statements.isEmpty()) {
      unparseable(f);
      return;
    }
    for (Statement s : statements) {
      statement(s, f);
    }
  }

  private static void unparseable(Findings f) {
    f.cls(ClassNames.SHELL_UNPARSEABLE);
    f.tag("sql-unparseable");
  }

  private static void statement(Statement s, Findings f) {
    if (s instanceof ExplainStatement e) {
      // EXPLAIN ANALYZE runs its statement: judge the statement.
      if (e.getStatement() != null) {
        statement(e.getStatement(), f);
      } else {
        f.cls("db.read");
      }
      return;
    }
    tables(s, f);
    if (s instanceof Select select) {
      select(select, f);
      return;
    }
    String pkg = s.getClass().getPackageName();
    String kind = pkg.substring(pkg.lastIndexOf('.') + 1);
    if (pkg.contains(".statement.create.")) {
      kind = "create";
    }
    switch (kind) {
      case "insert", "upsert" -> f.cls("db.write");
      case "update", "delete", "merge" -> {
        f.cls("db.write");
        f.tag("destructive");
      }
      case "drop", "truncate", "alter" -> {
        f.cls("db.write");
        f.tag("destructive");
        f.tag("ddl");
      }
      case "create", "comment", "refresh", "analyze" -> {
        f.cls("db.write");
        f.tag("ddl");
      }
      case "grant" -> f.cls("access.change");
      case "show" -> f.cls("db.read");
      case "execute" -> {
        f.cls("db.write");
        f.tag("sql-procedure");
      }
      default -> other(s, f);
    }
  }

  private static void other(Statement s, Findings f) {
    if (s instanceof ShowStatement || s instanceof DescribeStatement || s instanceof UseStatement) {
      f.cls("db.read");
      return;
    }
    String name = s.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    if (name.startsWith("set")
        || name.startsWith("reset")
        || name.contains("commit")
        || name.contains("rollback")
        || name.contains("savepoint")
        || name.contains("transaction")) {
      f.cls("db.write");
      f.tag("sql-session");
      return;
    }
    f.cls(ClassNames.SHELL_UNPARSEABLE);
    f.tag("sql-unknown-statement");
  }

  private static void select(Select select, Findings f) {
    boolean write = false;
    if (select.getWithItemsList() != null) {
      for (WithItem<?> w : select.getWithItemsList()) {
        if (!(w.getParenthesedStatement() instanceof ParenthesedSelect)) {
          write = true; // WITH x AS (DELETE … RETURNING *) SELECT …
          f.tag("destructive");
        }
      }
    }
    if (select.getForMode() != null) {
      write = true;
      f.tag("sql-locking");
    }
    if (select instanceof PlainSelect p) {
      if (p.getIntoTables() != null && !p.getIntoTables().isEmpty()) {
        write = true;
        p.getIntoTables()
            .forEach(t -> f.target(new Target(Target.Kind.TABLE, t.getFullyQualifiedName())));
      }
    }
    FunctionFinder functions = new FunctionFinder();
    try {
      functions.getTables((Statement) select);
    } catch (RuntimeException e) {
      write = true; // a construct the walker does not know: assume the worst of it
    }
    if (functions.unknown) {
      write = true;
      f.tag("sql-function");
    }
    f.cls(write ? "db.write" : "db.read");
  }

  private static void tables(Statement s, Findings f) {
    try {
      for (String t : new TablesNamesFinder<Void>().getTables(s)) {
        f.target(new Target(Target.Kind.TABLE, t));
      }
    } catch (RuntimeException e) {
      // Some statements (SET, GRANT …) name no tables the finder walks; their class still holds.
    }
  }

  /** Walks a statement like the table finder and notes a function not known to be read-only. */
  private static final class FunctionFinder extends TablesNamesFinder<Void> {
    boolean unknown;

    @Override
    public <S> Void visit(Function function, S context) {
      String name = function.getName() == null ? "" : function.getName();
      int dot = name.lastIndexOf('.');
      String bare = (dot >= 0 ? name.substring(dot + 1) : name).toLowerCase(Locale.ROOT);
      if (!READ_ONLY_FUNCTIONS.contains(bare.replace("\"", ""))) {
        unknown = true;
      }
      return super.visit(function, context);
    }
  }
}
