package dev.proctor.classify;

/** The built-in class names the classifiers produce. */
final class ClassNames {

  static final String FS_READ = "fs.read";
  static final String FS_WRITE = "fs.write";
  static final String FS_DELETE = "fs.delete";
  static final String NET_FETCH = "net.fetch";
  static final String NET_SEARCH = "net.search";
  static final String DATA_EXPORT = "data.export";
  static final String CODE_EXEC = "code.exec";
  static final String SHELL_EXEC = "shell.exec";
  static final String SHELL_UNPARSEABLE = "shell.unparseable";
  static final String VCS_LOCAL = "vcs.local";
  static final String VCS_PUSH = "vcs.push";
  static final String VCS_HISTORY_REWRITE = "vcs.history_rewrite";
  static final String BUILD_RUN = "build.run";
  static final String PACKAGE_INSTALL = "package.install";
  static final String INFRA_READ = "infra.read";
  static final String INFRA_CHANGE = "infra.change";
  static final String ACCESS_CHANGE = "access.change";
  static final String CONTAINER_ESCAPE = "container.escape";
  static final String SYSTEM_MODIFY = "system.modify";
  static final String SYSTEM_DESTRUCTIVE = "system.destructive";
  static final String AGENT_DELEGATE = "agent.delegate";
  static final String TOOL_CALL = "tool.call";
  static final String DB_READ = "db.read";
  static final String DB_WRITE = "db.write";
  static final String CONNECTOR_READ = "connector.read";
  static final String CONNECTOR_WRITE = "connector.write";
  static final String WORKFLOW_INVOKE = "workflow.invoke";
  static final String COMM_EXTERNAL = "comm.external";

  private ClassNames() {}
}
