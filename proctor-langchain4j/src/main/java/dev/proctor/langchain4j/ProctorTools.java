package dev.proctor.langchain4j;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.proctor.Proctor;
import dev.proctor.action.Principal;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tools of a LangChain4j AI service, each execution mediated by Proctor: pass the map {@link
 * Builder#build()} returns to {@code AiServices.builder(...).tools(map)}. A tool runs only when the
 * policy allows it, after the decision is on record; its outcome is recorded too. A denial, or an
 * error anywhere on the decision path, is a short text returned to the model, and the tool does not
 * run.
 *
 * <pre>{@code
 * Map<ToolSpecification, ToolExecutor> tools =
 *     ProctorTools.builder(proctor).principal(agent).tools(new BankTools()).build();
 * Bank bank = AiServices.builder(Bank.class).chatModel(model).tools(tools).build();
 * }</pre>
 *
 * <p>LangChain4j's listeners and {@code beforeToolExecution} hooks observe tool calls but cannot
 * stop one, so Proctor wraps the {@link ToolExecutor}s instead.
 */
public final class ProctorTools {

  /** The surface every call is recorded under. */
  public static final String SURFACE = "langchain4j";

  private ProctorTools() {}

  /** A builder of tools mediated by this Proctor, for an anonymous principal at first. */
  public static Builder builder(Proctor proctor) {
    return new Builder(requireNonNull(proctor, "proctor is null"));
  }

  /**
   * Wraps tools already built (an MCP tool provider's, hand-written executors) so that each
   * execution is mediated for {@code principal}; approvals are not waited for.
   */
  public static Map<ToolSpecification, ToolExecutor> wrap(
      Proctor proctor, Principal principal, Map<ToolSpecification, ToolExecutor> tools) {
    return builder(proctor).principal(principal).tools(tools).build();
  }

  /** Collects tools and how to mediate them; not thread-safe, use once. */
  public static final class Builder {

    private final Proctor proctor;
    private Principal principal = Principal.ANONYMOUS;
    private Duration approvalWait = Duration.ZERO;
    private final Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();

    private Builder(Proctor proctor) {
      this.proctor = proctor;
    }

    /** Who calls the tools: the agent (and the session, human or tenant) policies match on. */
    public Builder principal(Principal principal) {
      this.principal = requireNonNull(principal, "principal is null");
      return this;
    }

    /**
     * How long an execution held for approval in Proctor ({@code answered_at: proctor}) waits for
     * the votes, blocking the AI service's thread (default zero: the model is told at once that
     * approval is required). When the wait ends unanswered the held action is canceled, so that a
     * late approval runs nothing.
     */
    public Builder approvalWait(Duration wait) {
      requireNonNull(wait, "wait is null");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("the approval wait cannot be negative: " + wait);
      }
      this.approvalWait = wait;
      return this;
    }

    /**
     * Adds the {@link Tool @Tool} methods of these objects, found and run the way {@code
     * AiServices.tools(objects)} does (LangChain4j's {@link ToolSpecifications} and {@link
     * DefaultToolExecutor}, whose exceptions reach the AI service's error handler).
     *
     * @throws IllegalArgumentException when an object has no {@code @Tool} method, or a tool name
     *     is given twice
     */
    public Builder tools(Object... objects) {
      for (Object object : objects) {
        requireNonNull(object, "a tool object is null");
        int found = 0;
        for (Method method : object.getClass().getDeclaredMethods()) {
          if (!method.isAnnotationPresent(Tool.class)) {
            continue;
          }
          add(
              ToolSpecifications.toolSpecificationFrom(method),
              DefaultToolExecutor.builder()
                  .object(object)
                  .originalMethod(method)
                  .methodToInvoke(method)
                  .wrapToolArgumentsExceptions(true)
                  .propagateToolExecutionExceptions(true)
                  .build());
          found++;
        }
        if (found == 0) {
          throw new IllegalArgumentException(object.getClass().getName() + " has no @Tool method");
        }
      }
      return this;
    }

    /** Adds tools already built: each executor is wrapped, its specification kept as it is. */
    public Builder tools(Map<ToolSpecification, ToolExecutor> given) {
      requireNonNull(given, "given is null");
      given.forEach(this::add);
      return this;
    }

    private void add(ToolSpecification specification, ToolExecutor executor) {
      requireNonNull(specification, "a tool specification is null");
      requireNonNull(executor, "the executor of " + specification.name() + " is null");
      if (tools.keySet().stream().anyMatch(s -> s.name().equals(specification.name()))) {
        throw new IllegalArgumentException("tool " + specification.name() + " is given twice");
      }
      tools.put(specification, executor);
    }

    /** The tools, each executor wrapped, in the order added; for {@code AiServices.tools(map)}. */
    public Map<ToolSpecification, ToolExecutor> build() {
      Map<ToolSpecification, ToolExecutor> out = new LinkedHashMap<>();
      tools.forEach(
          (spec, executor) ->
              out.put(
                  spec,
                  new MediatedToolExecutor(
                      proctor, principal, spec.name(), executor, approvalWait)));
      return java.util.Collections.unmodifiableMap(out);
    }
  }
}
