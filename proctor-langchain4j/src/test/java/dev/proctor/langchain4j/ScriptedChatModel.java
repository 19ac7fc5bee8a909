package dev.proctor.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat model that plays a script instead of calling a provider: its first answer asks for one
 * tool execution, its second is a final text that repeats the tool result it was sent, so that a
 * test sees exactly what reached the model.
 */
final class ScriptedChatModel implements ChatModel {

  private final ToolExecutionRequest toolRequest;
  private final List<String> toolResults = new ArrayList<>();
  private int turn;

  private ScriptedChatModel(ToolExecutionRequest toolRequest) {
    this.toolRequest = toolRequest;
  }

  /** A model that asks for {@code tool} with these JSON arguments, then reports what it got. */
  static ScriptedChatModel callingTool(String tool, String arguments) {
    return new ScriptedChatModel(
        ToolExecutionRequest.builder().id("call-1").name(tool).arguments(arguments).build());
  }

  @Override
  public synchronized ChatResponse doChat(ChatRequest request) {
    turn++;
    if (turn == 1) {
      return ChatResponse.builder().aiMessage(AiMessage.from(toolRequest)).build();
    }
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.get(messages.size() - 1);
    if (!(last instanceof ToolExecutionResultMessage result)) {
      throw new IllegalStateException("turn " + turn + " expected a tool result, got " + last);
    }
    toolResults.add(result.text());
    return ChatResponse.builder()
        .aiMessage(AiMessage.from("the tool said: " + result.text()))
        .build();
  }

  /** The tool results the model was sent, in order. */
  synchronized List<String> toolResults() {
    return List.copyOf(toolResults);
  }
}
