package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.CONTAINER_ESCAPE;
import static dev.proctor.classify.ClassNames.DATA_EXPORT;
import static dev.proctor.classify.ClassNames.DB_READ;
import static dev.proctor.classify.ClassNames.DB_WRITE;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.NET_FETCH;
import static dev.proctor.classify.ClassNames.SHELL_EXEC;

import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Commands that reach the network or a database: downloads are {@code net.fetch} with {@code url}
 * and {@code domain} targets; anything that sends data (request bodies, uploads, copies to remote
 * hosts) is {@code data.export}; SQL clients are {@code db.read} or {@code db.write} by their
 * statement.
 */
final class NetworkCommands {

  private NetworkCommands() {}

  private static final Set<String> CURL_LONG_WITH_VALUE =
      Set.of(
          "--data",
          "--data-raw",
          "--data-binary",
          "--data-urlencode",
          "--data-ascii",
          "--json",
          "--form",
          "--form-string",
          "--upload-file",
          "--output",
          "--header",
          "--user-agent",
          "--referer",
          "--cookie",
          "--cookie-jar",
          "--user",
          "--proxy",
          "--proxy-user",
          "--request",
          "--max-time",
          "--connect-timeout",
          "--retry",
          "--retry-delay",
          "--retry-max-time",
          "--cacert",
          "--capath",
          "--cert",
          "--key",
          "--config",
          "--write-out",
          "--url",
          "--resolve",
          "--connect-to",
          "--interface",
          "--limit-rate",
          "--max-filesize",
          "--range",
          "--continue-at",
          "--dump-header",
          "--trace",
          "--trace-ascii",
          "--stderr",
          "--unix-socket",
          "--abstract-unix-socket",
          "--oauth2-bearer",
          "--aws-sigv4",
          "--proto",
          "--proto-redir",
          "--variable",
          "--output-dir",
          "--netrc-file",
          "--cert-type",
          "--key-type",
          "--pass",
          "--dns-servers",
          "--local-port",
          "--max-redirs",
          "--expect100-timeout",
          "--happy-eyeballs-timeout-ms",
          "--keepalive-time",
          "--speed-limit",
          "--speed-time",
          "--time-cond",
          "--mail-from",
          "--mail-rcpt",
          "--url-query",
          "--hostpubmd5",
          "--pubkey",
          "--preproxy",
          "--noproxy",
          "--socks5",
          "--socks5-hostname",
          "--socks4",
          "--socks4a",
          "--ciphers",
          "--engine",
          "--doh-url");

  static void curl(Invocation in) {
    Args a = in.parse("AbcCdDeEFHKmoPQrTuUwxXyYzt", CURL_LONG_WITH_VALUE);
    in.cls(NET_FETCH);
    in.fetched();
    boolean export = false;
    for (Args.Opt o : a.options) {
      String n = o.name();
      Word v = o.value();
      switch (n) {
        case "-d",
            "--data",
            "--data-raw",
            "--data-binary",
            "--data-urlencode",
            "--data-ascii",
            "--json" -> {
          export = true;
          if (v != null) {
            dataFile(in, v, v.text());
          }
        }
        case "-F", "--form" -> {
          export = true;
          if (v != null) {
            int at = v.text().indexOf("=@");
            int lt = v.text().indexOf("=<");
            int k = at >= 0 ? at : lt;
            if (k >= 0) {
              dataFile(in, v, "@" + v.text().substring(k + 2));
            }
          }
        }
        case "--form-string", "--mail-rcpt", "--mail-from" -> export = true;
        case "-T", "--upload-file" -> {
          export = true;
          if (v != null && !v.text().equals("-") && !v.text().equals(".")) {
            in.path(v);
          }
        }
        case "-X", "--request" -> {
          String m = v == null ? "" : v.text().toUpperCase(Locale.ROOT);
          if (!(m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"))) {
            export = true;
          }
        }
        case "-K", "--config" -> {
          export = true;
          in.tag("dynamic");
          if (v != null) {
            in.path(v);
          }
        }
        case "-o", "--output" -> {
          if (v != null && !v.text().equals("-") && !PathFacts.isHarmlessDevice(v.text())) {
            in.cls(FS_WRITE);
            in.downloadPath(v);
          }
        }
        case "-O", "--remote-name", "--remote-name-all", "-J", "--remote-header-name" -> {
          in.cls(FS_WRITE);
          if (in.state.cwd != null) {
            in.writeFacts(in.state.cwd);
          }
        }
        case "--output-dir" -> {
          if (v != null) {
            in.cls(FS_WRITE);
            in.writePath(v);
          }
        }
        case "--url" -> {
          if (v != null) {
            in.url(v);
          }
        }
        case "--unix-socket", "--abstract-unix-socket" -> {
          if (v != null && v.text().contains(".sock")) {
            in.path(v);
            if (v.text().contains("docker.sock") || v.text().contains("containerd")) {
              in.cls(CONTAINER_ESCAPE);
              in.tag("docker-socket");
            }
          }
        }
        case "-c",
            "--cookie-jar",
            "-D",
            "--dump-header",
            "--trace",
            "--trace-ascii",
            "--stderr" -> {
          if (v != null && !v.text().equals("-")) {
            in.cls(FS_WRITE);
            in.writePath(v);
          }
        }
        case "-x",
            "--proxy",
            "--preproxy",
            "--socks4",
            "--socks4a",
            "--socks5",
            "--socks5-hostname",
            "--doh-url" -> {
          // The request goes through this host: it must pass the allowlist like the URL's.
          if (v != null) {
            viaHost(in, v, v.text());
          }
        }
        case "--connect-to" -> {
          // HOST1:PORT1:HOST2:PORT2 connects to HOST2 instead of HOST1.
          if (v != null) {
            List<String> parts = hostFields(v.text());
            if (parts.size() > 2 && !parts.get(2).isEmpty()) {
              viaHost(in, v, parts.get(2));
            }
          }
        }
        case "--resolve" -> {
          // [+]HOST:PORT:ADDR[,ADDR]... pins HOST to the given addresses.
          if (v != null) {
            List<String> parts = hostFields(v.text());
            if (parts.size() > 2) {
              for (String addr : String.join(":", parts.subList(2, parts.size())).split(",")) {
                viaHost(in, v, addr);
              }
            }
          }
        }
        case "--netrc-file", "-E", "--cert", "--key" -> {
          if (v != null) {
            in.path(v);
          }
        }
        default -> {}
      }
    }
    if (export) {
      in.cls(DATA_EXPORT);
    }
    for (Word w : a.operands) {
      in.url(w);
    }
  }

  /** Records a proxy, connect-to or resolve host as a domain target. */
  private static void viaHost(Invocation in, Word w, String text) {
    if (!w.isLiteral()) {
      in.tag("dynamic");
      return;
    }
    String host = PathFacts.host(text.trim());
    if (!host.isEmpty()) {
      in.host(host);
    }
  }

  /** Splits a colon-separated curl host spec, keeping bracketed IPv6 addresses whole. */
  private static List<String> hostFields(String spec) {
    List<String> out = new java.util.ArrayList<>(4);
    StringBuilder cur = new StringBuilder();
    boolean bracket = false;
    String t = spec.startsWith("+") ? spec.substring(1) : spec;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '[') {
        bracket = true;
      } else if (c == ']') {
        bracket = false;
      }
      if (c == ':' && !bracket) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static void dataFile(Invocation in, Word w, String text) {
    if (text.startsWith("@") && text.length() > 1 && !text.equals("@-")) {
      in.path(new Word(text.substring(1), w.flags(), w.substitutions()));
    }
  }

  static void wget(Invocation in) {
    Args a =
        in.parse(
            "OoaPUeitTwQlAR",
            Set.of(
                "--output-document",
                "--output-file",
                "--append-output",
                "--directory-prefix",
                "--user-agent",
                "--execute",
                "--input-file",
                "--tries",
                "--timeout",
                "--wait",
                "--quota",
                "--header",
                "--post-data",
                "--post-file",
                "--body-data",
                "--body-file",
                "--method",
                "--user",
                "--password",
                "--http-user",
                "--http-password",
                "--level",
                "--accept",
                "--reject",
                "--load-cookies",
                "--save-cookies",
                "--ca-certificate",
                "--certificate",
                "--private-key",
                "--referer",
                "--use-askpass"));
    in.cls(NET_FETCH);
    in.fetched();
    for (Args.Opt o : a.options) {
      Word v = o.value();
      switch (o.name()) {
        case "--post-data", "--post-file", "--body-data", "--body-file" -> {
          in.cls(DATA_EXPORT);
          if (v != null && o.name().endsWith("-file")) {
            in.path(v);
          }
        }
        case "--method" -> {
          String m = v == null ? "" : v.text().toUpperCase(Locale.ROOT);
          if (!(m.equals("GET") || m.equals("HEAD"))) {
            in.cls(DATA_EXPORT);
          }
        }
        case "-O", "--output-document", "-P", "--directory-prefix" -> {
          if (v != null && !v.text().equals("-")) {
            in.cls(FS_WRITE);
            in.downloadPath(v);
          }
        }
        case "-i", "--input-file" -> {
          in.tag("dynamic");
          if (v != null) {
            in.path(v);
          }
        }
        case "-e", "--execute", "--use-askpass" -> in.cls(CODE_EXEC);
        case "-r", "--recursive", "-m", "--mirror" -> in.tag("recursive");
        default -> {}
      }
    }
    for (Word w : a.operands) {
      in.url(w);
    }
  }

  static void httpie(Invocation in) {
    Args a =
        in.parse(
            "aAoO",
            Set.of(
                "--auth",
                "--auth-type",
                "--output",
                "--session",
                "--session-read-only",
                "--proxy",
                "--cert",
                "--cert-key",
                "--verify",
                "--timeout"));
    in.cls(NET_FETCH);
    in.fetched();
    List<Word> ops = a.operands;
    int urlIndex = 0;
    if (!ops.isEmpty() && isMethod(ops.get(0).text())) {
      String m = ops.get(0).text().toUpperCase(Locale.ROOT);
      if (!(m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"))) {
        in.cls(DATA_EXPORT);
      }
      urlIndex = 1;
    }
    if (urlIndex < ops.size()) {
      Word u = ops.get(urlIndex);
      if (u.isLiteral() && u.text().startsWith(":")) {
        u = new Word("http://localhost" + u.text(), u.flags(), List.of()); // http :8000/items
      }
      in.url(u);
    }
    for (int i = urlIndex + 1; i < ops.size(); i++) {
      String t = ops.get(i).text();
      if (t.contains("=") || t.contains("@")) {
        if (!t.contains("==") || t.contains(":=")) {
          in.cls(DATA_EXPORT);
        }
        int at = t.indexOf('@');
        if (at > 0 && !t.contains("=")) {
          in.path(new Word(t.substring(at + 1), ops.get(i).flags(), List.of()));
        }
      }
    }
    if (a.has("-f", "--form", "--raw")) {
      in.cls(DATA_EXPORT);
    }
    for (Word o : a.values("-o", "--output")) {
      in.cls(FS_WRITE);
      in.writePath(o);
    }
  }

  private static boolean isMethod(String s) {
    return switch (s.toUpperCase(Locale.ROOT)) {
      case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" ->
          s.equals(s.toUpperCase(Locale.ROOT));
      default -> false;
    };
  }

  static void download(Invocation in) {
    in.cls(NET_FETCH);
    in.cls(FS_WRITE);
    in.fetched();
    Args a = in.parse("odx", Set.of("--dir", "--out", "--output", "--exec", "--input-file"));
    if (a.has("--exec") || a.has("--on-download-complete")) {
      in.cls(CODE_EXEC);
    }
    for (Word w : a.operands) {
      in.url(w);
    }
  }

  /** scp, rsync, rclone: remote destination is an export, remote source a fetch. */
  static void copyRemote(Invocation in) {
    Args a =
        in.parse(
            "PiFSoecJlBb",
            Set.of(
                "--rsh",
                "--exclude",
                "--include",
                "--exclude-from",
                "--include-from",
                "--filter",
                "--rsync-path",
                "--files-from",
                "--password-file",
                "--port",
                "--log-file",
                "--config",
                "--backup-dir",
                "--partial-dir",
                "--temp-dir",
                "--chmod",
                "--chown",
                "--timeout",
                "--bwlimit",
                "--compare-dest",
                "--link-dest",
                "--copy-dest"));
    if (a.has("-r", "--recursive", "-a", "--archive")) {
      in.tag("recursive");
    }
    if (a.has(
        "--delete",
        "--delete-before",
        "--delete-after",
        "--delete-during",
        "--delete-excluded",
        "--remove-source-files")) {
      in.cls(ClassNames.FS_DELETE);
      in.tag("delete");
    }
    for (Word e : a.values("-e", "--rsh", "--rsync-path")) {
      String lower = e.text().toLowerCase(Locale.ROOT);
      if (!lower.startsWith("ssh")) {
        in.cls(SHELL_EXEC);
      }
      if (!e.isLiteral()
          || !lower.startsWith("ssh")
          || lower.contains("proxycommand")
          || lower.contains("localcommand")) {
        in.cls(CODE_EXEC);
        in.tag("exec-option");
      }
    }
    List<Word> ops = a.operands;
    if (in.name.equals("rclone")) {
      String verb = a.operandText(0);
      ops = ops.isEmpty() ? ops : ops.subList(1, ops.size());
      if (verb.equals("ls")
          || verb.equals("lsd")
          || verb.equals("lsl")
          || verb.equals("cat")
          || verb.equals("size")
          || verb.equals("about")
          || verb.equals("config")) {
        in.cls(NET_FETCH);
        return;
      }
    }
    if (ops.isEmpty()) {
      in.cls(NET_FETCH);
      return;
    }
    boolean remoteSource = false;
    for (int i = 0; i < ops.size(); i++) {
      Word w = ops.get(i);
      boolean dest = i == ops.size() - 1 && ops.size() > 1;
      String host = remoteHost(w.text(), in.name.equals("rclone"));
      if (host != null) {
        in.host(host);
        in.target(Target.Kind.URL, w.text());
        if (dest) {
          in.cls(DATA_EXPORT);
        } else {
          remoteSource = true;
        }
      } else if (dest) {
        in.cls(FS_WRITE);
        in.writePath(w);
      } else {
        in.path(w);
      }
    }
    if (remoteSource) {
      in.cls(NET_FETCH);
      in.fetched();
    }
    if (!in.f.classes.contains(DATA_EXPORT) && !remoteSource) {
      in.cls(FS_WRITE);
    }
  }

  private static String remoteHost(String spec, boolean rclone) {
    if (spec.startsWith("rsync://") || spec.contains("://")) {
      return PathFacts.host(spec);
    }
    int colon = spec.indexOf(':');
    if (colon <= 0 || spec.startsWith("/") || spec.startsWith(".") || spec.startsWith("~")) {
      return null;
    }
    int slash = spec.indexOf('/');
    if (slash >= 0 && slash < colon) {
      return null;
    }
    String host = spec.substring(0, colon);
    int at = host.indexOf('@');
    host = at >= 0 ? host.substring(at + 1) : host;
    if (rclone) {
      return "rclone:" + host.toLowerCase(Locale.ROOT);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  static void ssh(Invocation in) {
    Args a = Args.parse(in.args, "bcDEeFIiJLlmOopQRSWw", Set.of(), true);
    in.cls(SHELL_EXEC);
    in.tag("remote-exec");
    for (Word o : a.values("-o")) {
      String t = o.text().toLowerCase(Locale.ROOT);
      if (t.startsWith("proxycommand")
          || t.startsWith("localcommand")
          || t.startsWith("permitlocalcommand")) {
        in.cls(CODE_EXEC);
        in.tag("exec-option");
      }
    }
    if (a.has("-R", "-L", "-D", "-W")) {
      in.tag("tunnel");
    }
    for (Word i : a.values("-i", "-F")) {
      in.path(i);
    }
    if (!a.operands.isEmpty()) {
      String dest = a.operands.get(0).text();
      if (dest.startsWith("ssh://")) {
        in.host(PathFacts.host(dest));
      } else {
        int at = dest.indexOf('@');
        String h = at >= 0 ? dest.substring(at + 1) : dest;
        int colon = h.indexOf(':');
        in.host((colon >= 0 ? h.substring(0, colon) : h).toLowerCase(Locale.ROOT));
      }
    }
    if (in.stdinPiped) {
      in.cls(DATA_EXPORT);
    }
  }

  static void openssl(Invocation in) {
    Args a = Args.parse(in.args);
    String verb = a.operandText(0);
    switch (verb) {
      case "s_client", "ocsp" -> {
        in.cls(NET_FETCH);
        in.fetched();
        for (Args.Opt o : a.options) {
          if (o.name().equals("-connect")) {
            in.tag("tls");
          }
        }
      }
      case "x509", "verify", "crl" -> {
        // Certificates: x509 prints a certificate's public fields (or the certificate), never a
        // private key, even from a file that also holds one; verify and crl print a verdict.
        // The file read is a certificate resource, not a path a secret could be read from.
        in.cls(FS_READ);
        for (int i = 0; i + 1 < in.args.size(); i++) {
          String t = in.args.get(i).text();
          Word v = in.args.get(i + 1);
          if (t.equals("-out")) {
            in.cls(FS_WRITE);
            in.writePath(v);
          } else if (t.equals("-in") || t.equals("-CAfile") || t.equals("-untrusted")) {
            String p = in.walk.resolve(v, in.state);
            if (p == null || !v.isLiteral()) {
              in.path(v);
            } else {
              in.target(Target.Kind.RESOURCE, "certificate:" + p);
            }
          }
        }
        if (!verb.equals("x509")) {
          for (Word w : a.operands.subList(1, a.operands.size())) {
            String p = in.walk.resolve(w, in.state);
            if (p != null && w.isLiteral()) {
              in.target(Target.Kind.RESOURCE, "certificate:" + p);
            } else {
              in.path(w);
            }
          }
        }
      }
      case "genrsa", "genpkey", "req", "pkcs12", "ecparam", "rsa", "ec", "enc", "ca" -> {
        in.cls(FS_READ);
        for (int i = 0; i + 1 < in.args.size(); i++) {
          String t = in.args.get(i).text();
          if (t.equals("-out")) {
            in.cls(FS_WRITE);
            in.writePath(in.args.get(i + 1));
          } else if (t.equals("-in") || t.equals("-key") || t.equals("-inkey")) {
            in.path(in.args.get(i + 1));
          }
        }
      }
      default -> in.cls(FS_READ);
    }
  }

  private static final Set<String> SQL_READ =
      Set.of(
          "select",
          "show",
          "describe",
          "desc",
          "explain",
          "with",
          "pragma",
          "values",
          "table",
          ".tables",
          ".schema",
          ".indexes",
          "\\d",
          "\\dt",
          "\\l",
          "\\dn",
          "\\du",
          "get",
          "keys",
          "scan",
          "info",
          "hget",
          "hgetall",
          "lrange",
          "smembers",
          "exists",
          "ttl",
          "type",
          "ping",
          "dbsize",
          "mget",
          "zrange",
          "llen",
          "scard",
          "strlen",
          "db.find",
          "db.getcollectionnames",
          "show dbs",
          "\\conninfo",
          ".help");

  static void database(Invocation in) {
    String n = in.name;
    switch (n) {
      case "pg_dump", "pg_dumpall", "mysqldump", "mongodump", "mongoexport" -> {
        in.cls(DB_READ);
        in.label("database-dump");
        Args a =
            in.parse(
                "fhdUpPo",
                Set.of(
                    "--file",
                    "--host",
                    "--dbname",
                    "--username",
                    "--port",
                    "--out",
                    "--result-file"));
        for (Word f : a.values("-f", "--file", "-o", "--out", "--result-file")) {
          in.cls(FS_WRITE);
          in.writePath(f);
        }
        hosts(in, a);
        return;
      }
      case "pg_restore", "mongorestore", "mongoimport", "dropdb", "createdb" -> {
        in.cls(DB_WRITE);
        hosts(in, in.parse("hdUpP", Set.of("--host", "--dbname", "--username", "--port")));
        return;
      }
      default -> {}
    }
    Args a =
        in.parse(
            "cehdDUpPuoFfsS",
            Set.of(
                "--command",
                "--execute",
                "--eval",
                "--host",
                "--dbname",
                "--database",
                "--username",
                "--user",
                "--port",
                "--file",
                "--output",
                "--password",
                "--set",
                "--variable",
                "--socket"));
    hosts(in, a);
    String sql = null;
    for (Word w : a.values("-c", "--command", "-e", "--execute", "--eval")) {
      sql = w.isLiteral() ? w.text() : null;
      if (!w.isLiteral()) {
        in.cls(DB_WRITE);
        in.tag("dynamic");
        return;
      }
    }
    List<Word> ops = a.operands;
    if (n.equals("redis-cli") || n.equals("valkey-cli")) {
      redis(in, ops);
      return;
    }
    if (n.equals("sqlite3") || n.equals("duckdb")) {
      if (!ops.isEmpty()) {
        in.path(ops.get(0));
        in.target(Target.Kind.DATABASE, ops.get(0).text());
        if (ops.size() > 1) {
          sql = joined(ops.subList(1, ops.size()));
        }
      }
    } else if (n.equals("redis-cli")) {
      if (!ops.isEmpty()) {
        sql = joined(ops);
      }
    } else {
      for (Word w : a.values("-d", "--dbname", "-D", "--database")) {
        in.target(Target.Kind.DATABASE, w.text());
      }
      if (!ops.isEmpty()) {
        if (ops.get(0).text().contains("://")) {
          in.url(ops.get(0));
        }
        in.target(Target.Kind.DATABASE, ops.get(0).text());
      }
    }
    for (Word f : a.values("-f", "--file")) {
      in.path(f);
    }
    if (sql == null) {
      in.cls(DB_WRITE);
      return;
    }
    if (n.equals("mongosh") || n.equals("mongo")) {
      in.cls(isReadOnlyMongo(sql) ? DB_READ : DB_WRITE);
      return;
    }
    query(in, sql);
  }

  /**
   * The statements a client is given ({@code psql -c}, {@code mysql -e}, {@code sqlite3 db SQL}):
   * client meta-commands ({@code \d+ users}, {@code .schema}) by the table's {@code verb} lines of
   * the client; SQL by {@link SqlClassifier}'s parse tree. SQL the parser cannot read falls back to
   * its first word, a read only for a reading verb with none of the known writing constructs.
   */
  private static void query(Invocation in, String sql) {
    String s = sql.strip();
    if (s.startsWith("\\") || s.startsWith(".")) {
      metaCommand(in, s);
      return;
    }
    Findings parsed = new Findings();
    SqlClassifier.classify(s, parsed);
    if (parsed.classes.contains(ClassNames.SHELL_UNPARSEABLE)) {
      in.cls(isReadOnlySql(s) ? DB_READ : DB_WRITE);
      return;
    }
    parsed.classes.forEach(in::cls);
    parsed.tags.forEach(in::tag);
    parsed.targets.forEach(in.f::target);
  }

  /**
   * A client's own command ({@code \dt}, {@code \d+ users}, {@code .tables}): the table lists the
   * ones that only describe ({@code verb db.read}); the rest ({@code \!}, {@code \o file}, {@code
   * \copy}, {@code .shell}, {@code .output}) may run programs or write files: {@code db.write}.
   */
  private static void metaCommand(Invocation in, String s) {
    CommandSpec spec = CommandTable.spec(in.name);
    for (String line : s.split("\n")) {
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      int space = t.indexOf(' ');
      String word = space < 0 ? t : t.substring(0, space);
      String verb = word.length() > 2 ? word.replaceFirst("[+S]+$", "") : word;
      CommandSpec.Verb v = spec == null ? null : spec.verbs().get(verb);
      in.cls(v == null ? DB_WRITE : v.actionClass());
    }
  }

  /**
   * {@code redis-cli GET k}, {@code redis-cli --scan}: the table's {@code verb} lines of redis-cli
   * name the reading commands and its {@code option} lines the reading modes; any other command
   * (FLUSHALL, DEL, CONFIG, EVAL) or an interactive session is {@code db.write}.
   */
  private static void redis(Invocation in, List<Word> ops) {
    CommandSpec spec = CommandTable.spec(in.name);
    for (CommandSpec.OptionFact fact : spec.grammar().options()) {
      for (Word w : in.args) {
        if (fact.names().contains(w.text()) && fact.actionClass().isPresent()) {
          in.cls(fact.actionClass().get());
          return;
        }
      }
    }
    ops = Args.parse(in.args, spec.valueLetters(), spec.longValues(), true).operands;
    if (ops.isEmpty() || !ops.get(0).isLiteral()) {
      in.cls(DB_WRITE);
      return;
    }
    CommandSpec.Verb v = spec.verbs().get(ops.get(0).text().toLowerCase(Locale.ROOT));
    in.cls(v == null ? DB_WRITE : v.actionClass());
  }

  /** Methods of the MongoDB shell that only read. */
  private static final Set<String> MONGO_READ =
      Set.of(
          "find",
          "findOne",
          "countDocuments",
          "estimatedDocumentCount",
          "count",
          "distinct",
          "aggregate",
          "getCollectionNames",
          "getCollectionInfos",
          "getIndexes",
          "stats",
          "getName",
          "getSiblingDB",
          "limit",
          "sort",
          "skip",
          "project",
          "toArray",
          "pretty",
          "explain",
          "serverStatus",
          "version",
          "hostInfo",
          "isMaster",
          "hello",
          "listCollections",
          "printjson",
          "print",
          "log",
          "stringify",
          "forEach");

  /**
   * True for a mongosh {@code --eval} whose every call is a reading method ({@code
   * db.users.countDocuments({active: true})}) and that has no aggregation stage that writes.
   */
  static boolean isReadOnlyMongo(String js) {
    if (js.contains("$out")
        || js.contains("$merge")
        || js.contains("$where")
        || js.contains("$function")
        || js.contains("$accumulator")) {
      return false;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*)\\s*\\(").matcher(js);
    boolean any = false;
    while (m.find()) {
      any = true;
      if (!MONGO_READ.contains(m.group(1))) {
        return false;
      }
    }
    return any || js.strip().startsWith("show ");
  }

  private static void hosts(Invocation in, Args a) {
    for (Word h : a.values("-h", "--host")) {
      if (h.isLiteral() && !h.text().startsWith("/")) {
        in.host(h.text().toLowerCase(Locale.ROOT));
      }
    }
  }

  private static String joined(List<Word> words) {
    StringBuilder sb = new StringBuilder();
    for (Word w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(w.text());
    }
    return sb.toString();
  }

  /** True if every statement of a SQL or Redis command line starts with a reading verb. */
  static boolean isReadOnlySql(String sql) {
    for (String stmt : sql.split(";")) {
      String s = stmt.strip().toLowerCase(Locale.ROOT);
      if (s.isEmpty()) {
        continue;
      }
      int space = s.indexOf(' ');
      String verb = space < 0 ? s : s.substring(0, space);
      int paren = verb.indexOf('(');
      if (paren > 0) {
        verb = verb.substring(0, paren);
      }
      if (!SQL_READ.contains(verb)) {
        return false;
      }
      if (verb.equals("with")
          && (s.contains(" insert ")
              || s.contains(" update ")
              || s.contains(" delete ")
              || s.contains(" merge "))) {
        return false;
      }
      if (s.contains(" into outfile")
          || s.contains(" into dumpfile")
          || s.contains("pg_read_file")
          || s.contains("lo_import")
          || s.contains("copy ")) {
        return false;
      }
    }
    return true;
  }
}
