package io.echo.llm.chat;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One message of a conversation: what a request sends and what a response's {@link Choice} holds.
 * <pre>{@code
 * List<ChatMessage> messages = List.of(
 *         ChatMessage.system("You are terse."),
 *         ChatMessage.user("Name three primes."));
 * }</pre>
 *
 * @param role {@code "system"}, {@code "developer"}, {@code "user"}, {@code "assistant"} or {@code "tool"}
 * @param content text as a string, or an array of parts (text, images, ...)
 * @param name an optional participant name
 * @param toolCalls the tool calls of an assistant message
 * @param toolCallId the id of the call a {@code "tool"} message answers
 * @param refusal the refusal of an assistant message
 * @param reasoningContent reasoning text of an assistant message ({@code reasoning_content}, as DeepSeek names it)
 * @param reasoning reasoning text of an assistant message ({@code reasoning}, as OpenRouter and Groq name it)
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ChatMessage(@Nullable String role, @Nullable MessageContent content, @Nullable String name,
		@JsonProperty("tool_calls") @Nullable List<ToolCall> toolCalls,
		@JsonProperty("tool_call_id") @Nullable String toolCallId, @Nullable String refusal,
		@JsonProperty("reasoning_content") @Nullable String reasoningContent, @Nullable String reasoning,
		Map<String, JsonNode> extra) {

	/** The role of system instructions. */
	public static final String SYSTEM = "system";

	/** The role of the user. */
	public static final String USER = "user";

	/** The role of the model. */
	public static final String ASSISTANT = "assistant";

	/** The role of a tool result. */
	public static final String TOOL = "tool";

	/**
	 * Creates a message.
	 * @param role the role
	 * @param content the content
	 * @param name the participant name
	 * @param toolCalls the tool calls
	 * @param toolCallId the answered call id
	 * @param refusal the refusal
	 * @param reasoningContent the {@code reasoning_content} text
	 * @param reasoning the {@code reasoning} text
	 * @param extra other fields
	 */
	public ChatMessage {
		toolCalls = WireValues.copyList(toolCalls);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a message with a role and text content.
	 * @param role the role
	 * @param text the text, or {@code null} for none
	 */
	public ChatMessage(String role, @Nullable String text) {
		this(Objects.requireNonNull(role, "role"), (text != null) ? MessageContent.of(text) : null, null, null, null,
				null, null, null, Map.of());
	}

	/**
	 * Creates a system message.
	 * @param text the instructions
	 * @return the message
	 */
	public static ChatMessage system(String text) {
		return new ChatMessage(SYSTEM, Objects.requireNonNull(text, "text"));
	}

	/**
	 * Creates a user message.
	 * @param text the text
	 * @return the message
	 */
	public static ChatMessage user(String text) {
		return new ChatMessage(USER, Objects.requireNonNull(text, "text"));
	}

	/**
	 * Creates a user message made of parts, for example text and an image.
	 * @param parts the parts
	 * @return the message
	 */
	public static ChatMessage user(List<ContentPart> parts) {
		return new ChatMessage(USER, MessageContent.of(parts), null, null, null, null, null, null, Map.of());
	}

	/**
	 * Creates an assistant message, for example an earlier answer in a conversation.
	 * @param text the text
	 * @return the message
	 */
	public static ChatMessage assistant(String text) {
		return new ChatMessage(ASSISTANT, Objects.requireNonNull(text, "text"));
	}

	/**
	 * Creates an assistant message that calls tools, to send back before their {@link #tool(String, String) results}.
	 * @param toolCalls the calls
	 * @return the message
	 */
	public static ChatMessage assistant(List<ToolCall> toolCalls) {
		return new ChatMessage(ASSISTANT, null, null, List.copyOf(toolCalls), null, null, null, null, Map.of());
	}

	/**
	 * Creates a tool message: the result of a call.
	 * @param toolCallId the id of the call it answers
	 * @param text the result
	 * @return the message
	 */
	public static ChatMessage tool(String toolCallId, String text) {
		return new ChatMessage(TOOL, MessageContent.of(Objects.requireNonNull(text, "text")), null, null,
				Objects.requireNonNull(toolCallId, "toolCallId"), null, null, null, Map.of());
	}

	/**
	 * Returns the text: the string content, or the text of its {@code "text"} parts.
	 * @return the text, {@code ""} when there is none
	 */
	public String text() {
		return MessageContent.textOf(this.content);
	}

	/**
	 * Returns the reasoning text, from {@code reasoning_content} or else {@code reasoning}.
	 * @return the reasoning, {@code ""} when there is none
	 */
	public String reasoningText() {
		return WireValues.reasoningText(this.reasoningContent, this.reasoning);
	}

	/**
	 * Returns the tool calls.
	 * @return the calls, empty when there are none
	 */
	@Override
	public List<ToolCall> toolCalls() {
		return (this.toolCalls != null) ? this.toolCalls : List.of();
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}


	/**
	 * Describes the message without its text: prompts and answers are user data, and a {@code toString()} ends up in
	 * logs and exception messages.
	 * @return the role, the name and tool call id when set, and the lengths of the texts
	 */
	@Override
	public String toString() {
		StringBuilder description = new StringBuilder("ChatMessage[role=").append(this.role);
		if (this.name != null) {
			description.append(", name=").append(this.name);
		}
		if (this.toolCallId != null) {
			description.append(", toolCallId=").append(this.toolCallId);
		}
		description.append(", text=").append(text().length()).append(" chars");
		if (this.toolCalls != null) {
			description.append(", toolCalls=").append(this.toolCalls.size());
		}
		if (this.reasoningContent != null || this.reasoning != null) {
			description.append(", reasoning=").append(reasoningText().length()).append(" chars");
		}
		return description.append(']').toString();
	}
}
