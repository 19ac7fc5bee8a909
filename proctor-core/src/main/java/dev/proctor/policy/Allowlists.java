package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Named lists a policy keeps apart from its rules so they are easy to edit and to show an auditor:
 * domains (exact or {@code *.example.com}), tools, MCP servers and recipients. Rules read them in
 * CEL as {@code allowlist.domains} and so on.
 */
public record Allowlists(
    List<String> domains, List<String> tools, List<String> mcpServers, List<String> recipients) {

  /** No entries at all. */
  public static final Allowlists EMPTY = new Allowlists(List.of(), List.of(), List.of(), List.of());

  public Allowlists {
    domains = List.copyOf(requireNonNull(domains, "domains is null"));
    tools = List.copyOf(requireNonNull(tools, "tools is null"));
    mcpServers = List.copyOf(requireNonNull(mcpServers, "mcpServers is null"));
    recipients = List.copyOf(requireNonNull(recipients, "recipients is null"));
  }
}
