package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.ACCESS_CHANGE;
import static dev.proctor.classify.ClassNames.BUILD_RUN;
import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.CONTAINER_ESCAPE;
import static dev.proctor.classify.ClassNames.DATA_EXPORT;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.INFRA_CHANGE;
import static dev.proctor.classify.ClassNames.INFRA_READ;
import static dev.proctor.classify.ClassNames.NET_FETCH;
import static dev.proctor.classify.ClassNames.PACKAGE_INSTALL;

import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cloud, Kubernetes, infrastructure-as-code and container tools. Inspection is {@code infra.read};
 * anything else {@code infra.change}; IAM, roles, policies and credentials {@code access.change};
 * reading secrets adds the label {@code secret}; containers that reach the host ({@code
 * --privileged}, host namespaces, {@code docker.sock} or host-root mounts) are {@code
 * container.escape}. Profiles, contexts and projects become {@code environment} targets.
 */
final class InfraCommands {

  private InfraCommands() {}

  private static final Set<String> READ_VERBS =
      Set.of(
          "list",
          "ls",
          "describe",
          "get",
          "show",
          "read",
          "info",
          "status",
          "version",
          "help",
          "logs",
          "log",
          "tail",
          "history",
          "plan",
          "diff",
          "validate",
          "whoami",
          "get-value",
          "search",
          "inspect",
          "top",
          "explain",
          "preview",
          "output",
          "check",
          "lint",
          "template",
          "view",
          "browse",
          "print",
          "current-context",
          "get-contexts",
          "get-clusters",
          "api-resources",
          "api-versions",
          "cluster-info",
          "events",
          "wait",
          "can-i",
          "fmt",
          "graph",
          "providers",
          "synth",
          "doctor",
          "docs",
          "env",
          "config-view",
          "get-iam-policy",
          "query",
          "lookup",
          "stats",
          "ps",
          "images",
          "--version",
          "-v");

  private static final Set<String> ACCESS_WORDS =
      Set.of(
          "iam",
          "add-iam-policy-binding",
          "remove-iam-policy-binding",
          "set-iam-policy",
          "role",
          "roles",
          "rolebinding",
          "clusterrole",
          "clusterrolebinding",
          "serviceaccount",
          "service-accounts",
          "service-account",
          "policy",
          "policies",
          "ad",
          "keys",
          "acl",
          "permissions",
          "grant",
          "grants",
          "identity",
          "sp",
          "token",
          "secret",
          "secrets");

  static boolean classify(Invocation in) {
    switch (in.name) {
      case "kubectl", "oc", "k3s-kubectl", "microk8s-kubectl" -> kubectl(in);
      case "helm" -> helm(in);
      case "terraform", "tofu", "terragrunt", "terraform-docs-apply" -> terraform(in);
      case "pulumi",
          "cdk",
          "cdktf",
          "serverless",
          "sls",
          "sam",
          "copilot",
          "eksctl",
          "kind",
          "minikube",
          "k3d",
          "argocd",
          "flux",
          "skaffold",
          "tilt",
          "ansible",
          "ansible-playbook",
          "packer",
          "vagrant",
          "doctl",
          "flyctl",
          "fly",
          "heroku",
          "vercel",
          "netlify",
          "wrangler",
          "firebase",
          "railway",
          "render",
          "kustomize",
          "linode-cli",
          "hcloud",
          "scw",
          "exoscale",
          "ibmcloud",
          "oci",
          "aliyun",
          "nomad",
          "consul",
          "gsutil",
          "bq",
          "databricks",
          "snowsql",
          "eb",
          "amplify" ->
          generic(in);
      case "aws" -> aws(in);
      case "gcloud" -> gcloud(in);
      case "az" -> generic(in);
      case "vault" -> vault(in);
      default -> {
        return false;
      }
    }
    rehearsal(in);
    return true;
  }

  /**
   * {@code kubectl apply --dry-run=server}, {@code helm upgrade --dry-run}, {@code ansible-playbook
   * --check}: an option the table's {@code rehearsal} line names shows the change without making
   * it, so a change is {@code infra.read}. Access changes, remote execution and escapes stay as
   * they are; {@code --dry-run=none} (or {@code =false}) is no rehearsal.
   */
  private static void rehearsal(Invocation in) {
    CommandSpec spec = CommandTable.spec(in.name);
    if (spec == null
        || spec.grammar().rehearsals().isEmpty()
        || !in.f.classes.contains(INFRA_CHANGE)
        || in.f.tags.contains("remote-exec")) {
      return;
    }
    for (Word w : in.args) {
      String t = w.text();
      if (t.equals("--")) {
        return;
      }
      int eq = t.indexOf('=');
      String value = eq > 0 ? t.substring(eq + 1) : "";
      if (spec.grammar().rehearsals().contains(eq > 0 ? t.substring(0, eq) : t)
          && !value.equals("none")
          && !value.equals("false")) {
        in.f.classes.remove(INFRA_CHANGE);
        in.cls(INFRA_READ);
        return;
      }
    }
  }

  private static void environment(Invocation in, Args a, String... names) {
    for (Word w : a.values(names)) {
      in.target(Target.Kind.ENVIRONMENT, w.text());
    }
  }

  private static void kubectl(Invocation in) {
    Args a =
        in.parse(
            "nfclo",
            Set.of(
                "--namespace",
                "--context",
                "--cluster",
                "--kubeconfig",
                "--filename",
                "--selector",
                "--output",
                "--container",
                "--user",
                "--image",
                "--type",
                "--role",
                "--clusterrole",
                "--serviceaccount",
                "--as",
                "--as-group",
                "--token",
                "--server",
                "--replicas",
                "--field-selector",
                "--sort-by",
                "--template"));
    environment(in, a, "--context", "--cluster");
    for (Word k : a.values("--kubeconfig")) {
      in.path(k);
    }
    for (Word f : a.values("-f", "--filename")) {
      if (!f.text().equals("-") && !f.text().contains("://")) {
        in.path(f);
      } else if (f.text().contains("://")) {
        in.url(f);
      }
    }
    String verb = a.operandText(0);
    String what = a.operandText(1).toLowerCase(Locale.ROOT);
    boolean secretResource = what.startsWith("secret");
    switch (verb) {
      case "get",
          "describe",
          "explain",
          "api-resources",
          "api-versions",
          "version",
          "cluster-info",
          "top",
          "logs",
          "diff",
          "events",
          "wait",
          "kustomize",
          "completion",
          "plugin",
          "" -> {
        in.cls(INFRA_READ);
        if (secretResource) {
          in.label("secret");
        }
      }
      case "auth" -> in.cls(what.equals("reconcile") ? ACCESS_CHANGE : INFRA_READ);
      case "config" -> {
        if (what.equals("view") || what.startsWith("get-") || what.equals("current-context")) {
          in.cls(INFRA_READ);
          if (a.has("--raw")) {
            in.label("secret");
          }
        } else if (what.equals("set-credentials")) {
          in.cls(ACCESS_CHANGE);
        } else {
          in.cls(INFRA_CHANGE);
        }
      }
      case "rollout" ->
          in.cls(what.equals("status") || what.equals("history") ? INFRA_READ : INFRA_CHANGE);
      case "create" -> {
        in.cls(INFRA_CHANGE);
        if (ACCESS_WORDS.contains(what)) {
          in.cls(ACCESS_CHANGE);
        }
      }
      case "exec", "attach", "cp", "port-forward", "proxy", "run" -> {
        in.cls(INFRA_CHANGE);
        if (!verb.equals("cp") && !verb.equals("port-forward") && !verb.equals("proxy")) {
          in.tag("remote-exec");
        }
        if (verb.equals("run") && a.has("--privileged")) {
          CommandTable.markEscape(in, "privileged");
        }
      }
      case "debug" -> {
        in.cls(INFRA_CHANGE);
        in.tag("remote-exec");
        if (what.startsWith("node/")
            || what.startsWith("nodes/")
            || a.has("--profile")
                && a.values("--profile").stream().anyMatch(w -> w.text().equals("sysadmin"))) {
          CommandTable.markEscape(in, "host-namespace");
        }
      }
      case "certificate" -> in.cls(ACCESS_CHANGE);
      default -> {
        in.cls(INFRA_CHANGE);
        if (ACCESS_WORDS.contains(what)) {
          in.cls(ACCESS_CHANGE);
        }
      }
    }
  }

  private static void helm(Invocation in) {
    Args a =
        in.parse(
            "nf",
            Set.of(
                "--namespace",
                "--kube-context",
                "--values",
                "--set",
                "--version",
                "--repo",
                "--output",
                "--kubeconfig"));
    environment(in, a, "--kube-context");
    String verb = a.operandText(0);
    String sub = a.operandText(1);
    if (Set.of(
                "list",
                "ls",
                "status",
                "get",
                "show",
                "inspect",
                "template",
                "search",
                "history",
                "lint",
                "version",
                "env",
                "diff",
                "verify",
                "help",
                "")
            .contains(verb)
        || (verb.equals("repo")
                || verb.equals("plugin")
                || verb.equals("dependency")
                || verb.equals("dep"))
            && (sub.equals("list") || sub.equals("ls"))) {
      in.cls(INFRA_READ);
      return;
    }
    if (verb.equals("plugin") && sub.equals("install")) {
      in.cls(PACKAGE_INSTALL);
      return;
    }
    if (verb.equals("repo") && sub.equals("add") && a.operands.size() > 3) {
      in.url(a.operands.get(3));
    }
    in.cls(INFRA_CHANGE);
  }

  private static void terraform(Invocation in) {
    Args a = in.parse("", Set.of("-var", "-var-file", "-target", "-state", "-out"));
    String verb = a.operandText(0);
    String sub = a.operandText(1);
    boolean destroyFlag = false;
    for (Word w : in.args) {
      String t = w.text();
      if (t.equals("-auto-approve") || t.equals("--auto-approve")) {
        in.tag("auto-approve");
      }
      if (t.equals("-destroy") || t.equals("--destroy")) {
        destroyFlag = true;
      }
    }
    switch (verb) {
      case "plan",
          "show",
          "validate",
          "fmt",
          "graph",
          "providers",
          "version",
          "console",
          "output",
          "",
          "-version",
          "-help",
          "metadata",
          "modules" -> {
        in.cls(INFRA_READ);
        if (verb.equals("plan") && destroyFlag) {
          in.tag("destroy");
        }
        if (verb.equals("output") || verb.equals("show")) {
          in.label("secret");
        }
      }
      case "init", "get" -> in.cls(PACKAGE_INSTALL);
      case "state" -> {
        in.cls(
            sub.equals("list") || sub.equals("show") || sub.equals("pull")
                ? INFRA_READ
                : INFRA_CHANGE);
        if (sub.equals("pull") || sub.equals("show")) {
          in.label("secret");
        }
      }
      case "workspace" ->
          in.cls(sub.equals("list") || sub.equals("show") ? INFRA_READ : INFRA_CHANGE);
      case "login", "logout" -> in.cls(ACCESS_CHANGE);
      case "destroy" -> {
        in.cls(INFRA_CHANGE);
        in.tag("destroy");
      }
      case "run-all" -> {
        in.cls(INFRA_CHANGE);
        if (sub.equals("destroy")) {
          in.tag("destroy");
        }
      }
      default -> {
        in.cls(INFRA_CHANGE);
        if (destroyFlag) {
          in.tag("destroy");
        }
      }
    }
  }

  private static final Set<String> AWS_ACCESS_SERVICES =
      Set.of(
          "iam",
          "sso-admin",
          "identitystore",
          "organizations",
          "sso",
          "accessanalyzer",
          "ram",
          "cognito-identity");

  private static void aws(Invocation in) {
    Args a =
        in.parse(
            "",
            Set.of(
                "--profile",
                "--region",
                "--output",
                "--query",
                "--endpoint-url",
                "--cli-input-json",
                "--cli-input-yaml",
                "--ca-bundle",
                "--color"));
    environment(in, a, "--profile");
    for (Word e : a.values("--endpoint-url")) {
      in.url(e);
    }
    String service = a.operandText(0);
    String op = a.operandText(1);
    List<Word> ops = a.operands;
    if (service.equals("configure")) {
      if (op.equals("list")
          || op.equals("get")
          || op.equals("list-profiles")
          || op.equals("export-credentials")) {
        in.cls(FS_READ);
        in.label("secret");
      } else {
        in.cls(ACCESS_CHANGE);
      }
      return;
    }
    if (service.equals("s3")) {
      s3(in, op, ops.size() > 2 ? ops.subList(2, ops.size()) : List.of());
      return;
    }
    boolean read =
        op.startsWith("describe")
            || op.startsWith("list")
            || op.startsWith("get")
            || op.startsWith("head")
            || op.startsWith("batch-get")
            || op.startsWith("lookup")
            || op.startsWith("search")
            || op.equals("scan")
            || op.equals("query")
            || op.startsWith("select")
            || op.startsWith("filter")
            || op.startsWith("preview")
            || op.startsWith("validate")
            || op.startsWith("estimate")
            || op.startsWith("simulate")
            || op.startsWith("test-")
            || op.equals("wait")
            || op.equals("help")
            || op.isEmpty()
            || op.equals("tail")
            || op.startsWith("check")
            || op.startsWith("detect");
    if (service.equals("sts")
        && (op.startsWith("assume-role")
            || op.equals("get-session-token")
            || op.equals("get-federation-token"))) {
      in.cls(INFRA_READ);
      in.label("secret");
      return;
    }
    if ((service.equals("secretsmanager") && op.equals("get-secret-value"))
        || (service.equals("ssm") && op.startsWith("get-parameter") && a.has("--with-decryption"))
        || (service.equals("kms") && op.equals("decrypt"))
        || op.equals("get-login-password")
        || op.equals("get-authorization-token")
        || op.startsWith("get-credentials")
        || op.equals("create-access-key")) {
      in.label("secret");
    }
    if (read) {
      in.cls(INFRA_READ);
      return;
    }
    in.cls(INFRA_CHANGE);
    if (AWS_ACCESS_SERVICES.contains(service)
        || op.contains("policy")
        || op.contains("permission")
        || op.contains("acl")
        || op.contains("grant")
        || op.contains("-role")
        || op.contains("access-key")
        || op.contains("login-profile")
        || op.contains("user-to-group")
        || op.contains("authorize-security-group")
        || op.contains("revoke-security-group")) {
      in.cls(ACCESS_CHANGE);
    }
    if (service.equals("lambda") && op.equals("invoke")
        || service.equals("ssm") && op.equals("send-command")
        || service.equals("ecs") && op.equals("execute-command")) {
      in.tag("remote-exec");
    }
  }

  private static void s3(Invocation in, String op, List<Word> rest) {
    switch (op) {
      case "ls", "presign", "" -> in.cls(INFRA_READ);
      case "cp", "mv", "sync" -> {
        boolean srcRemote = !rest.isEmpty() && rest.get(0).text().startsWith("s3://");
        boolean dstRemote = rest.size() > 1 && rest.get(1).text().startsWith("s3://");
        for (Word w : rest) {
          if (w.text().startsWith("s3://")) {
            in.target(Target.Kind.URL, w.text());
            in.host(PathFacts.host(w.text()));
          } else if (!w.text().equals("-")) {
            if (dstRemote && w == rest.get(0)
                || !dstRemote && rest.size() > 1 && w == rest.get(1)) {
              if (dstRemote) {
                in.path(w);
              } else {
                in.writePath(w);
              }
            }
          }
        }
        if (srcRemote && dstRemote) {
          in.cls(INFRA_CHANGE);
        } else if (dstRemote) {
          in.cls(DATA_EXPORT);
        } else {
          in.cls(NET_FETCH);
          in.cls(FS_WRITE);
          in.fetched();
        }
        if (op.equals("mv")
            || op.equals("sync") && in.args.stream().anyMatch(w -> w.text().equals("--delete"))) {
          in.tag("delete");
        }
      }
      default -> in.cls(INFRA_CHANGE);
    }
  }

  private static void gcloud(Invocation in) {
    Args a =
        in.parse(
            "",
            Set.of(
                "--project",
                "--account",
                "--configuration",
                "--zone",
                "--region",
                "--format",
                "--filter",
                "--impersonate-service-account",
                "--member",
                "--role",
                "--limit",
                "--sort-by"));
    environment(in, a, "--project", "--configuration");
    List<Word> ops = a.operands;
    String first = a.operandText(0);
    if (first.equals("auth")) {
      String v = a.operandText(1);
      if (v.startsWith("print-")
          || v.equals("application-default") && a.operandText(2).startsWith("print-")) {
        in.cls(INFRA_READ);
        in.label("secret");
      } else if (v.equals("list") || v.equals("describe")) {
        in.cls(INFRA_READ);
      } else {
        in.cls(ACCESS_CHANGE);
      }
      return;
    }
    genericVerb(in, ops);
  }

  private static void vault(Invocation in) {
    Args a = in.parse("", Set.of("-address", "-namespace", "-field", "-format", "-mount"));
    String verb = a.operandText(0);
    String sub = a.operandText(1);
    switch (verb) {
      case "read", "list", "status", "version", "print" -> {
        in.cls(INFRA_READ);
        if (verb.equals("read")) {
          in.label("secret");
        }
      }
      case "kv" -> {
        if (sub.equals("get") || sub.equals("list") || sub.equals("metadata")) {
          in.cls(INFRA_READ);
          if (sub.equals("get")) {
            in.label("secret");
          }
        } else {
          in.cls(ACCESS_CHANGE);
        }
      }
      case "token" -> {
        in.cls(sub.equals("lookup") ? INFRA_READ : ACCESS_CHANGE);
        in.label("secret");
      }
      case "login" -> {
        in.cls(ACCESS_CHANGE);
        in.label("secret");
      }
      default -> in.cls(ACCESS_CHANGE);
    }
  }

  /** Tools whose verbs read like "list / describe / create / delete": classify by the verb. */
  private static void generic(Invocation in) {
    Args a =
        in.parse(
            "pcn",
            Set.of(
                "--profile",
                "--project",
                "--context",
                "--stack",
                "--app",
                "--region",
                "--subscription",
                "--resource-group",
                "--name",
                "--output",
                "--query",
                "--config",
                "--env",
                "--environment",
                "--inventory",
                "-i",
                "--limit",
                "--tags",
                "--extra-vars",
                "-e",
                "--scope",
                "--team",
                "--org"));
    environment(
        in,
        a,
        "--profile",
        "--project",
        "--context",
        "--stack",
        "--app",
        "--subscription",
        "--environment",
        "--env");
    if (in.name.equals("ansible-playbook") || in.name.equals("ansible")) {
      if (a.has("--check", "-C", "--syntax-check", "--list-hosts", "--list-tasks")) {
        in.cls(INFRA_READ);
      } else {
        in.cls(INFRA_CHANGE);
        in.tag("remote-exec");
      }
      return;
    }
    if (in.name.equals("gsutil")) {
      String verb = a.operandText(0);
      if (verb.equals("cp") || verb.equals("rsync") || verb.equals("mv")) {
        boolean dstRemote =
            a.operands.size() > 2
                && a.operands.get(a.operands.size() - 1).text().startsWith("gs://");
        in.cls(dstRemote ? DATA_EXPORT : NET_FETCH);
        for (Word w : a.operands.subList(1, a.operands.size())) {
          if (w.text().startsWith("gs://")) {
            in.target(Target.Kind.URL, w.text());
          }
        }
        return;
      }
    }
    if (in.name.equals("az") && a.operandText(0).equals("login")
        || in.name.equals("heroku") && a.operandText(0).startsWith("auth")) {
      in.cls(ACCESS_CHANGE);
      return;
    }
    if (in.name.equals("kustomize") && a.operandText(0).equals("build")) {
      in.cls(INFRA_READ);
      return;
    }
    if (in.name.equals("vagrant") && a.operandText(0).equals("ssh")) {
      in.cls(INFRA_CHANGE);
      in.tag("remote-exec");
      return;
    }
    genericVerb(in, a.operands);
  }

  private static void genericVerb(Invocation in, List<Word> ops) {
    CommandSpec spec = CommandTable.spec(in.name);
    CommandSpec.Verb fact =
        spec == null ? null : spec.verbs().get(ops.isEmpty() ? "-" : ops.get(0).text());
    if (fact != null) { // the table's subcommands first: bare vercel deploys
      in.cls(fact.actionClass());
      fact.tags().forEach(in::tag);
      return;
    }
    boolean access = false;
    boolean secretRead = false;
    String verb = null;
    for (Word w : ops) {
      String t = w.text().toLowerCase(Locale.ROOT);
      if (ACCESS_WORDS.contains(t) || t.contains("iam-policy") || t.endsWith("-iam")) {
        access = true;
      }
      if (t.equals("secret")
          || t.equals("secrets")
          || t.equals("keyvault")
          || t.equals("secret-manager")
          || t.equals("access-token")
          || t.equals("credentials")
          || t.contains("token")
          || t.contains("password")) {
        secretRead = true;
      }
      if (verb == null && (READ_VERBS.contains(t) || isChangeVerb(t))) {
        verb = t;
      }
    }
    if (verb == null && !ops.isEmpty()) {
      verb = ops.get(ops.size() - 1).text().toLowerCase(Locale.ROOT);
    }
    if (verb == null || ops.isEmpty()) {
      in.cls(INFRA_READ);
      return;
    }
    if (READ_VERBS.contains(verb)
        || verb.startsWith("print")
        || verb.startsWith("get-")
        || verb.startsWith("list-")
        || verb.startsWith("describe")) {
      in.cls(INFRA_READ);
      if (secretRead
          && (verb.equals("show")
              || verb.equals("get")
              || verb.equals("read")
              || verb.startsWith("print")
              || verb.startsWith("get-")
              || verb.equals("access")
              || verb.equals("download"))) {
        in.label("secret");
      }
      return;
    }
    if (verb.equals("deploy")
        || verb.equals("up")
        || verb.equals("apply")
        || verb.equals("destroy")
        || verb.equals("delete")
        || verb.equals("remove")) {
      if (verb.equals("destroy") || verb.equals("delete") || verb.equals("remove")) {
        in.tag("destroy");
      }
    }
    in.cls(INFRA_CHANGE);
    if (access) {
      in.cls(ACCESS_CHANGE);
    }
    if (verb.equals("ssh")
        || verb.equals("exec")
        || verb.equals("run-command")
        || verb.equals("invoke")) {
      in.tag("remote-exec");
    }
  }

  private static boolean isChangeVerb(String t) {
    return switch (t) {
      case "create",
          "delete",
          "update",
          "deploy",
          "destroy",
          "apply",
          "up",
          "down",
          "set",
          "add",
          "remove",
          "rm",
          "put",
          "patch",
          "scale",
          "start",
          "stop",
          "restart",
          "run",
          "exec",
          "ssh",
          "import",
          "refresh",
          "rollback",
          "promote",
          "sync",
          "install",
          "uninstall",
          "upgrade",
          "enable",
          "disable",
          "attach",
          "detach",
          "resize",
          "reset",
          "invoke",
          "publish",
          "push",
          "login",
          "logout",
          "bootstrap",
          "edit",
          "replace",
          "move",
          "copy",
          "cp",
          "mv",
          "tag",
          "untag",
          "grant",
          "revoke",
          "access",
          "download",
          "upload",
          "release",
          "open",
          "connect",
          "suspend",
          "resume" ->
          true;
      default -> false;
    };
  }

  // ------------------------------------------------------------------ containers

  private static final Set<String> DOCKER_READ =
      Set.of(
          "ps",
          "images",
          "image-ls",
          "inspect",
          "logs",
          "version",
          "info",
          "stats",
          "top",
          "history",
          "search",
          "port",
          "diff",
          "events",
          "help",
          "",
          "--version",
          "-v",
          "ls",
          "config",
          "manifest-inspect",
          "context-ls");

  static void docker(Invocation in) {
    Args a =
        in.parse(
            "HcD",
            Set.of(
                "--host",
                "--context",
                "--config",
                "--log-level",
                "-f",
                "--file",
                "--project-name",
                "-p",
                "--env-file",
                "--profile",
                "--project-directory"));
    environment(in, a, "--context");
    for (Word h : a.values("-H", "--host")) {
      in.tag("remote-docker");
      in.target(Target.Kind.URL, h.text());
    }
    List<Word> ops = a.operands;
    String verb = a.operandText(0);
    boolean compose = in.name.contains("compose") || verb.equals("compose");
    if (compose && !in.name.contains("compose")) {
      ops = ops.subList(1, ops.size());
      verb = ops.isEmpty() ? "" : ops.get(0).text();
    }
    String sub = ops.size() > 1 ? ops.get(1).text() : "";
    if (verb.equals("container")
        || verb.equals("image")
        || verb.equals("volume")
        || verb.equals("network")
        || verb.equals("system")
        || verb.equals("builder")
        || verb.equals("context")
        || verb.equals("buildx")
        || verb.equals("plugin")) {
      String group = verb;
      verb = sub.isEmpty() ? "ls" : sub;
      if (group.equals("buildx") && sub.equals("build")) {
        verb = "build";
      }
      if (group.equals("plugin") && sub.equals("install")) {
        in.cls(PACKAGE_INSTALL);
        CommandTable.markEscape(in, "privileged");
        return;
      }
      if (group.equals("context") && sub.equals("use")) {
        in.cls(INFRA_CHANGE);
        return;
      }
    }
    if (DOCKER_READ.contains(verb)
        || compose
            && (verb.equals("ps")
                || verb.equals("logs")
                || verb.equals("config")
                || verb.equals("images")
                || verb.equals("top"))) {
      in.cls(INFRA_READ);
      return;
    }
    switch (verb) {
      case "build" -> {
        in.cls(BUILD_RUN);
        escapeFlags(in, in.args);
        boolean registry =
            in.args.stream()
                .anyMatch(w -> w.text().equals("--push") || w.text().contains("type=registry"));
        if (registry) {
          in.cls(DATA_EXPORT); // docker buildx build --push pushes the image it builds
          in.tag("publish");
        }
      }
      case "run", "create", "exec", "start", "up", "attach", "restart", "stop", "down" -> {
        container(in, compose, verb);
        if (compose) {
          for (Word f : a.values("-f", "--file")) {
            in.path(f);
          }
        }
      }
      case "debug" -> {
        in.cls(CODE_EXEC);
        in.tag("container");
        escapeFlags(in, in.args);
      }
      case "pull" -> {
        in.cls(NET_FETCH);
        in.fetched();
        if (ops.size() > 1) {
          in.target(Target.Kind.PACKAGE, ops.get(1).text());
        }
      }
      case "push" -> {
        in.cls(DATA_EXPORT);
        in.tag("publish");
        if (ops.size() > 1) {
          in.target(Target.Kind.PACKAGE, ops.get(1).text());
        }
      }
      case "login", "logout" -> {
        in.cls(ACCESS_CHANGE);
        in.label("secret");
      }
      case "cp" -> {
        in.cls(FS_WRITE);
        for (Word w : ops.subList(1, ops.size())) {
          if (!w.text().contains(":")) {
            in.path(w);
          }
        }
      }
      case "save", "export" -> {
        in.cls(FS_WRITE);
        in.cls(INFRA_READ);
      }
      default -> in.cls(INFRA_CHANGE);
    }
  }

  /**
   * {@code docker run}, {@code docker exec}, {@code docker compose up}: running the project's
   * containers is everyday work, {@code build.run} with the tag {@code container}, as long as the
   * container stays a container. What breaks it out ({@code --privileged}, host namespaces, the
   * Docker socket or {@code /} mounted) is {@code container.escape}; a host directory mounted or an
   * env file passed is a path target, judged like any other (so {@code -v ~/.ssh:/k} asks or
   * denies); the command run inside ({@code docker exec db psql -c 'TRUNCATE t'}, {@code docker run
   * node npm test}) is classified as the command it is. The options of {@code run} that take a
   * value are the {@code values} of {@code docker} in {@code commands.txt}; an option the table
   * does not know leaves the image and its command unknown: {@code code.exec}.
   */
  private static void container(Invocation in, boolean compose, String verb) {
    in.tag("container");
    escapeFlags(in, in.args);
    if (in.f.classes.contains(CONTAINER_ESCAPE)) {
      return;
    }
    in.cls(BUILD_RUN);
    if (verb.equals("down")
        && in.args.stream()
            .anyMatch(
                w ->
                    w.text().equals("-v")
                        || w.text().equals("--volumes")
                        || w.text().startsWith("--rmi"))) {
      in.cls(INFRA_CHANGE); // deletes the volumes' data
      return;
    }
    if (!verb.equals("run") && !verb.equals("create") && !verb.equals("exec")) {
      return;
    }
    List<Word> args = in.args;
    int at = indexOf(args, verb, compose);
    if (at < 0) {
      in.cls(CODE_EXEC);
      return;
    }
    CommandSpec spec = CommandTable.spec("docker");
    Args run =
        Args.parse(args.subList(at + 1, args.size()), spec.valueLetters(), spec.longValues(), true);
    for (Args.Opt o : run.options) {
      Word v = o.value();
      switch (o.name()) {
        case "-v", "--volume", "--mount" -> {
          if (v != null) {
            mount(in, v);
          }
        }
        case "--env-file" -> {
          if (v != null) {
            in.path(v);
          }
        }
        default -> {
          if (o.name().startsWith("--")
              && v == null
              && !spec.longValues().contains(o.name())
              && !CONTAINER_FLAGS.contains(o.name())) {
            in.cls(CODE_EXEC); // an option the table does not know: the image is not known
            return;
          }
        }
      }
    }
    List<Word> entry = run.values("--entrypoint");
    List<Word> ops = run.operands;
    if (ops.isEmpty()) {
      return;
    }
    List<Word> cmd = new java.util.ArrayList<>(entry);
    cmd.addAll(ops.subList(1, ops.size())); // after the image, container or service
    in.nestedWords(cmd);
  }

  /** Options of {@code docker run} and {@code exec} that take no value. */
  private static final Set<String> CONTAINER_FLAGS =
      Set.of(
          "--rm",
          "--detach",
          "--interactive",
          "--tty",
          "--init",
          "--read-only",
          "--publish-all",
          "--quiet",
          "--no-deps",
          "--service-ports",
          "--use-aliases",
          "--no-TTY",
          "--privileged",
          "--sig-proxy",
          "--no-healthcheck",
          "--oom-kill-disable",
          "--build",
          "--remove-orphans");

  /** The index of the verb among the arguments (after {@code compose} for compose). */
  private static int indexOf(List<Word> args, String verb, boolean compose) {
    boolean seenCompose = !compose;
    for (int i = 0; i < args.size(); i++) {
      String t = args.get(i).text();
      if (t.equals("compose")) {
        seenCompose = true;
      } else if (seenCompose && t.equals(verb)) {
        return i;
      }
    }
    return -1;
  }

  /** A bind mount's host side is a path the container reads and writes; a named volume is not. */
  private static void mount(Invocation in, Word v) {
    String t = v.text();
    Word host = null;
    if (t.startsWith("type=") || t.contains("source=") || t.contains("src=")) {
      int at = 0;
      for (String part : t.split(",")) {
        if (part.startsWith("source=") || part.startsWith("src=")) {
          host = v.slice(at + part.indexOf('=') + 1);
          int comma = host.text().indexOf(',');
          if (comma >= 0) {
            host = new Word(host.text().substring(0, comma), host.flags(), List.of());
          }
        }
        at += part.length() + 1;
      }
    } else {
      int colon = t.indexOf(':');
      String src = colon >= 0 ? t.substring(0, colon) : t;
      if (colon >= 0 || src.startsWith("/")) {
        host = new Word(src, v.flags(), v.substitutions(), prefixExpansions(v, src), List.of());
      }
    }
    if (host == null) {
      return;
    }
    String h = host.text();
    if (h.startsWith("/") || h.startsWith(".") || h.startsWith("~") || h.startsWith("$")) {
      in.path(host);
      in.cls(FS_WRITE); // what the container writes there stays on the host
    }
  }

  private static List<ShellSyntax.Expansion> prefixExpansions(Word v, String src) {
    List<ShellSyntax.Expansion> kept = new java.util.ArrayList<>(1);
    for (ShellSyntax.Expansion e : v.expansions()) {
      if (e.end() <= src.length()) {
        kept.add(e);
      }
    }
    return kept;
  }

  private static void escapeFlags(Invocation in, List<Word> args) {
    for (int i = 0; i < args.size(); i++) {
      String t = args.get(i).text();
      String next = i + 1 < args.size() ? args.get(i + 1).text() : "";
      String value = null;
      String name = t;
      int eq = t.indexOf('=');
      if (t.startsWith("--") && eq > 0) {
        name = t.substring(0, eq);
        value = t.substring(eq + 1);
      }
      switch (name) {
        case "--privileged" -> CommandTable.markEscape(in, "privileged");
        case "--pid", "--net", "--network", "--ipc", "--uts", "--userns", "--cgroupns" -> {
          String v = value != null ? value : next;
          if (v.equals("host")) {
            CommandTable.markEscape(in, "host-namespace");
          }
        }
        case "-v", "--volume", "--mount" -> {
          String v = value != null ? value : next;
          if (CommandTable.isContainerEscapeMount(v)) {
            CommandTable.markEscape(in, v.contains(".sock") ? "docker-socket" : "host-mount");
          }
        }
        case "--cap-add" -> {
          String v = (value != null ? value : next).toUpperCase(Locale.ROOT);
          if (v.contains("SYS_ADMIN")
              || v.equals("ALL")
              || v.contains("SYS_PTRACE")
              || v.contains("SYS_MODULE")
              || v.contains("DAC_READ_SEARCH")
              || v.contains("SYS_RAWIO")) {
            CommandTable.markEscape(in, "capabilities");
          }
        }
        case "--security-opt" -> {
          String v = value != null ? value : next;
          if (v.contains("unconfined")
              || v.contains("no-new-privileges=false")
              || v.contains("label=disable")
              || v.contains("label:disable")) {
            CommandTable.markEscape(in, "unconfined");
          }
        }
        case "--device" -> CommandTable.markEscape(in, "device");
        default -> {
          if (t.startsWith("-v/")
              || t.startsWith("-v")
                  && t.length() > 2
                  && CommandTable.isContainerEscapeMount(t.substring(2))) {
            if (CommandTable.isContainerEscapeMount(t.substring(2))) {
              CommandTable.markEscape(in, "host-mount");
            }
          }
        }
      }
    }
    if (in.f.classes.contains(CONTAINER_ESCAPE)) {
      in.cls(CODE_EXEC);
    }
  }
}
