package dev.proctor.classify;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tool and MCP mappings of one taxonomy file. Exact names win over globs; globs are tried in
 * file order.
 */
record MappingLayer(
    Map<String, ToolMapping> exactTools,
    List<Map.Entry<String, ToolMapping>> globTools,
    Map<String, Server> servers) {

  MappingLayer {
    exactTools = Map.copyOf(exactTools);
    globTools = List.copyOf(globTools);
    servers = Map.copyOf(servers);
  }

  static final MappingLayer EMPTY = new MappingLayer(Map.of(), List.of(), Map.of());

  /** One MCP server's mappings and the class of its unlisted tools, if the file gives one. */
  record Server(
      Optional<String> defaultClass,
      Map<String, ToolMapping> exactTools,
      List<Map.Entry<String, ToolMapping>> globTools) {
    Server {
      exactTools = Map.copyOf(exactTools);
      globTools = List.copyOf(globTools);
    }

    Optional<ToolMapping> tool(String tool) {
      return lookup(exactTools, globTools, tool);
    }
  }

  Optional<ToolMapping> tool(String tool) {
    return lookup(exactTools, globTools, tool);
  }

  private static Optional<ToolMapping> lookup(
      Map<String, ToolMapping> exact, List<Map.Entry<String, ToolMapping>> globs, String name) {
    ToolMapping m = exact.get(name);
    if (m != null) {
      return Optional.of(m);
    }
    for (Map.Entry<String, ToolMapping> e : globs) {
      if (Glob.matches(e.getKey(), name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }
}
