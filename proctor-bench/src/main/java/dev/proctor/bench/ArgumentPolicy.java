package dev.proctor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.policy.PolicySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * A generated, argument-heavy policy of the shape enterprise agents get (issue 6, section 3): 78
 * rules over eight business tools (payments, e-mail, exports, database writes, role grants, HTTP
 * calls, workflows), whose conditions check the caller's role and trust level (from the request
 * context or the principal), numeric thresholds on the arguments (amounts, rows, hours) and domain
 * or recipient lists. Each tool has nine rules and one rule matches every class, so a request has
 * ten candidate rules; five more rules are bound to classes the requests never have.
 *
 * <p>Everything comes from one seed: the same seed gives the same policy text and the same
 * requests. The requests are tool calls as an HTTP client would send them (declared class,
 * arguments, principal, context) and go through the real classifier.
 */
final class ArgumentPolicy {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] ROLES = {"finance", "admin", "ops", "support", "sales", "intern"};
  private static final String[] TRUST = {"verified", "standard", "low"};
  private static final String[] OWN_DOMAINS = {"acme.com", "acme.io", "corp.acme.com"};
  private static final String[] OTHER_DOMAINS = {
    "partner.example", "vendor.example", "gmail.com", "mailinator.com", "evil.example"
  };
  private static final String[] HOSTS = {
    "api.acme.com", "files.acme.io", "s3.amazonaws.com", "drop.evil.example", "hooks.slack.com"
  };
  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "JPY"};
  private static final String[] VENDORS = {
    "acme-supplies", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"
  };
  private static final String[] ENVIRONMENTS = {"prod", "staging", "dev"};

  /** The eight business tools: name, declared class, and the shape of their arguments. */
  enum Family {
    PAY_INVOICE("pay_invoice", "payment", "amount"),
    TRANSFER_FUNDS("transfer_funds", "payment", "amount"),
    REFUND("refund_payment", "payment", "amount"),
    SEND_EMAIL("send_email", "comm.external", "attachments"),
    EXPORT_REPORT("export_report", "data.export", "rows"),
    UPDATE_RECORDS("update_records", "db.write", "rows"),
    GRANT_ROLE("grant_role", "access.change", "duration_hours"),
    RUN_WORKFLOW("run_workflow", "workflow.invoke", "batch_size");

    final String tool;
    final String actionClass;
    final String number;

    Family(String tool, String actionClass, String number) {
      this.tool = tool;
      this.actionClass = actionClass;
      this.number = number;
    }
  }

  private ArgumentPolicy() {}

  /** The policy files for a seed. */
  static List<PolicySource> policy(long seed) {
    Random r = new Random(seed);
    StringBuilder y = new StringBuilder();
    y.append("policy: {id: argument-heavy, version: ").append(seed).append("}\n");
    y.append("defaults:\n  tool.call: allow\n");
    y.append("allowlists:\n  recipients: [\"acme.com\", \"*.acme.com\", \"acme.io\"]\n");
    y.append("  domains: [\"*.acme.com\", \"files.acme.io\", \"hooks.slack.com\"]\n");
    y.append("rules:\n");
    rule(
        y, "revoked-trust", null, "'\"trust\" in context && context.trust == \"revoked\"'", "deny");
    int n = 1;
    for (Family f : Family.values()) {
      for (int i = 0; i < 9; i++) {
        rule(y, f.tool + "-" + i, f, condition(f, i, r), effect(i));
        n++;
      }
    }
    String[] other = {"fs.read", "fs.write", "vcs.push", "db.read", "net.search"};
    for (String c : other) {
      y.append("  - id: other-").append(c.replace('.', '-')).append('\n');
      y.append("    match: {class: ").append(c).append("}\n");
      y.append("    when: 'context.role in [\"admin\", \"ops\"]'\n");
      y.append("    effect: allow\n");
      n++;
    }
    if (n != 78) {
      throw new IllegalStateException("generated " + n + " rules, not 78");
    }
    y.append("expect:\n");
    for (Family f : Family.values()) {
      ObjectNode args = arguments(f, new Random(seed + f.ordinal()));
      y.append("  - name: revoked trust on ").append(f.tool).append(" is denied\n");
      y.append("    request:\n");
      y.append("      tool: ").append(f.tool).append('\n');
      y.append("      class: ").append(f.actionClass).append('\n');
      y.append("      arguments: ").append(args).append('\n');
      y.append("      context: {role: finance, trust: revoked}\n");
      y.append("    effect: deny\n");
      y.append("    rule: revoked-trust\n");
    }
    return List.of(PolicySource.of("policy.yaml", y.toString()));
  }

  private static void rule(StringBuilder y, String id, Family f, String when, String effect) {
    y.append("  - id: ").append(id).append('\n');
    if (f != null) {
      y.append("    match: {class: ").append(f.actionClass).append(", tool: ").append(f.tool);
      y.append("}\n");
    }
    y.append("    when: ").append(when).append('\n');
    y.append("    effect: ").append(effect).append('\n');
    if (effect.equals("ask")) {
      y.append("    approval: {groups: [approvers]}\n");
    }
  }

  private static final String[] EFFECTS = {
    "allow", "ask", "deny", "allow", "allow", "deny", "ask", "ask", "allow"
  };

  private static String effect(int i) {
    return EFFECTS[i];
  }

  /** The i-th condition of a tool: role, trust, thresholds, lists, in rotation. */
  private static String condition(Family f, int i, Random r) {
    String num = "arguments." + f.number;
    long t = threshold(f, r);
    String roles = list(r, ROLES, 2);
    String c =
        switch (i) {
          case 0 -> "context.role in " + roles + " && " + num + " <= " + t;
          case 1 -> num + " > " + t + " && context.trust != \"verified\"";
          case 2 -> num + " > " + (t * 20);
          case 3 ->
              "principal.tenant == \"acme\" && context.trust == \"verified\" && "
                  + num
                  + " < "
                  + t
                  + " && "
                  + specific(f, 0, r);
          case 4 -> specific(f, 1, r);
          case 5 -> "!(" + specific(f, 2, r) + ")";
          case 6 ->
              "has(arguments.note) && arguments.note.contains(\"urgent\") && " + num + " > " + t;
          case 7 ->
              "\"role\" in context && context.role == \"intern\" && "
                  + num
                  + " > "
                  + (t / 10)
                  + " || "
                  + specific(f, 3, r);
          default -> "principal.human in " + list(r, new String[] {"ann", "bob", "eve", "joe"}, 2);
        };
    return "'" + c.replace("'", "''") + "'";
  }

  /** A condition about the tool's own arguments: counterparties, recipients, hosts, targets. */
  private static String specific(Family f, int k, Random r) {
    return switch (f) {
      case PAY_INVOICE, TRANSFER_FUNDS, REFUND ->
          switch (k) {
            case 0 -> "arguments.vendor in " + list(r, VENDORS, 4);
            case 1 ->
                "has(arguments.approver) && "
                    + "domain_matches(email_domain(arguments.approver), allowlist.recipients)";
            case 2 -> "arguments.currency in [\"EUR\", \"USD\", \"GBP\"]";
            default -> "arguments.vendor in " + list(r, VENDORS, 2);
          };
      case SEND_EMAIL ->
          switch (k) {
            case 0 -> "arguments.to.all(x, domain_matches(email_domain(x), allowlist.recipients))";
            case 1 ->
                "arguments.to.exists(x, !domain_matches(email_domain(x), allowlist.recipients))";
            case 2 -> "size(arguments.to) + size(arguments.cc) <= 20";
            default ->
                "arguments.cc.exists(x, email_domain(x) in " + list(r, OTHER_DOMAINS, 2) + ")";
          };
      case EXPORT_REPORT ->
          switch (k) {
            case 0 -> "domain_matches(url_host(arguments.destination), allowlist.domains)";
            case 1 -> "url_host(arguments.destination) in " + list(r, HOSTS, 2);
            case 2 -> "arguments.format in [\"csv\", \"json\"]";
            default -> "arguments.fields.exists(x, x in [\"ssn\", \"salary\", \"iban\"])";
          };
      case UPDATE_RECORDS ->
          switch (k) {
            case 0 -> "arguments.environment != \"prod\"";
            case 1 -> "arguments.table in [\"audit_log\", \"payroll\"]";
            case 2 -> "arguments.environment in " + list(r, ENVIRONMENTS, 2);
            default -> "arguments.environment == \"prod\" && context.role != \"ops\"";
          };
      case GRANT_ROLE ->
          switch (k) {
            case 0 -> "email_domain(arguments.user) in [\"acme.com\", \"acme.io\"]";
            case 1 -> "arguments.role in [\"viewer\", \"commenter\"]";
            case 2 -> "domain_matches(email_domain(arguments.user), allowlist.recipients)";
            default -> "arguments.role == \"owner\"";
          };
      case RUN_WORKFLOW ->
          switch (k) {
            case 0 -> "arguments.environment == \"staging\"";
            case 1 -> "arguments.workflow.startsWith(\"report-\")";
            case 2 -> "arguments.environment in [\"staging\", \"dev\"]";
            default -> "arguments.workflow in [\"deploy\", \"rotate-keys\"]";
          };
    };
  }

  private static long threshold(Family f, Random r) {
    return switch (f) {
      case PAY_INVOICE, TRANSFER_FUNDS, REFUND -> 500L * (1 + r.nextInt(40));
      case SEND_EMAIL -> 1 + r.nextInt(5);
      case EXPORT_REPORT, UPDATE_RECORDS -> 100L * (1 + r.nextInt(50));
      case GRANT_ROLE -> 4L * (1 + r.nextInt(12));
      case RUN_WORKFLOW -> 10L * (1 + r.nextInt(20));
    };
  }

  private static String list(Random r, String[] from, int count) {
    List<String> pool = new ArrayList<>(List.of(from));
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < count && !pool.isEmpty(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append('"').append(pool.remove(r.nextInt(pool.size()))).append('"');
    }
    return b.append(']').toString();
  }

  /** Tool calls for a seed, spread over the eight tools, principals, roles and trust levels. */
  static List<ToolCall> calls(long seed, int count) {
    Random r = new Random(seed * 31 + 7);
    List<ToolCall> out = new ArrayList<>();
    Family[] families = Family.values();
    for (int i = 0; i < count; i++) {
      Family f = families[i % families.length];
      Principal p =
          new Principal(
              Optional.of(pick(r, new String[] {"ann", "bob", "eve", "joe", "kim"})),
              Optional.of("assistant"),
              Optional.empty(),
              Optional.of("s-" + r.nextInt(1000)),
              Optional.of(r.nextInt(4) == 0 ? "globex" : "acme"),
              List.of());
      Map<String, Object> context =
          Map.of("role", pick(r, ROLES), "trust", pick(r, TRUST), "cwd", "/srv/agent");
      out.add(
          new ToolCall(
              p,
              "api",
              f.tool,
              "",
              arguments(f, r),
              Optional.of(f.actionClass),
              Set.of(),
              context));
    }
    return out;
  }

  /** Arguments as the tool would get them: the number the rules threshold, and the rest. */
  static ObjectNode arguments(Family f, Random r) {
    ObjectNode a = JSON.createObjectNode();
    Function<Integer, Long> num = bound -> (long) r.nextInt(bound);
    switch (f) {
      case PAY_INVOICE, TRANSFER_FUNDS, REFUND -> {
        a.put("amount", num.apply(40_000));
        a.put("currency", pick(r, CURRENCIES));
        a.put("vendor", pick(r, VENDORS));
        a.put("invoice_id", "INV-" + r.nextInt(100_000));
        if (r.nextBoolean()) {
          a.put("approver", pick(r, new String[] {"cfo@acme.com", "pat@vendor.example"}));
        }
      }
      case SEND_EMAIL -> {
        a.put("attachments", num.apply(8));
        a.put("subject", "Quarterly numbers " + r.nextInt(10));
        a.set("to", emails(r, 1 + r.nextInt(4)));
        a.set("cc", emails(r, r.nextInt(3)));
        a.put("body", "Please find the figures attached.");
      }
      case EXPORT_REPORT -> {
        a.put("rows", num.apply(10_000));
        a.put("format", pick(r, new String[] {"csv", "json", "xlsx"}));
        a.put("destination", "https://" + pick(r, HOSTS) + "/upload/" + r.nextInt(100));
        ArrayNode fields = a.putArray("fields");
        for (String s : List.of("name", "email", pick(r, new String[] {"salary", "region"}))) {
          fields.add(s);
        }
      }
      case UPDATE_RECORDS -> {
        a.put("rows", num.apply(10_000));
        a.put("table", pick(r, new String[] {"customers", "orders", "payroll", "audit_log"}));
        a.put("environment", pick(r, ENVIRONMENTS));
      }
      case GRANT_ROLE -> {
        a.put("duration_hours", num.apply(100));
        a.put("user", pick(r, new String[] {"dan@acme.com", "lee@acme.io", "x@gmail.com"}));
        a.put("role", pick(r, new String[] {"viewer", "commenter", "editor", "owner"}));
      }
      case RUN_WORKFLOW -> {
        a.put("batch_size", num.apply(400));
        a.put("workflow", pick(r, new String[] {"report-daily", "deploy", "rotate-keys", "etl"}));
        a.put("environment", pick(r, ENVIRONMENTS));
      }
    }
    if (r.nextInt(4) == 0) {
      a.put("note", r.nextBoolean() ? "urgent: before close" : "routine");
    }
    return a;
  }

  private static ArrayNode emails(Random r, int count) {
    ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < count; i++) {
      String domain = r.nextInt(3) == 0 ? pick(r, OTHER_DOMAINS) : pick(r, OWN_DOMAINS);
      out.add("user" + r.nextInt(100) + "@" + domain);
    }
    return out;
  }

  private static String pick(Random r, String[] from) {
    return from[r.nextInt(from.length)];
  }
}
