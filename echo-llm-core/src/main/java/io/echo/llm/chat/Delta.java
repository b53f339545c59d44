package io.echo.llm.chat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code delta} of a streamed {@link ChunkChoice}: what this chunk adds to the message.
 *
 * @param role the message role, usually only on the first chunk (Ollama repeats it on every chunk)
 * @param content text as a string, or an array of parts (Mistral's Magistral streams {@code "thinking"} parts)
 * @param reasoningContent reasoning text as DeepSeek, Z.ai and others name it ({@code reasoning_content})
 * @param reasoning reasoning text as Groq, OpenRouter and vLLM name it ({@code reasoning})
 * @param refusal a piece of a refusal message
 * @param toolCalls pieces of tool calls, put together by {@link ChatCompletionAccumulator}
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record Delta(@Nullable String role, @Nullable MessageContent content,
		@JsonProperty("reasoning_content") @Nullable String reasoningContent, @Nullable String reasoning,
		@Nullable String refusal, @JsonProperty("tool_calls") @Nullable List<ToolCallDelta> toolCalls,
		Map<String, JsonNode> extra) {

	/**
	 * Creates a delta.
	 * @param role the role
	 * @param content the content
	 * @param reasoningContent the {@code reasoning_content} text
	 * @param reasoning the {@code reasoning} text
	 * @param refusal the refusal text
	 * @param toolCalls the tool-call pieces
	 * @param extra other fields
	 */
	public Delta {
		toolCalls = WireValues.copyList(toolCalls);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a delta that carries only text.
	 * @param text the text
	 * @return the delta
	 */
	public static Delta ofText(String text) {
		return new Delta(null, MessageContent.of(text), null, null, null, null, Map.of());
	}

	/**
	 * Returns the answer text this delta adds: the string content, or the text of its {@code "text"} parts.
	 * @return the text, {@code ""} when there is none
	 */
	public String text() {
		return MessageContent.textOf(this.content);
	}

	/**
	 * Returns the reasoning text this delta adds, from {@code reasoning_content} or else {@code reasoning} (vLLM
	 * sends both with the same text, so they are not added together).
	 * @return the reasoning text, {@code ""} when there is none
	 */
	public String reasoningText() {
		return WireValues.reasoningText(this.reasoningContent, this.reasoning);
	}

	/**
	 * Returns the tool-call pieces.
	 * @return the pieces, empty when there are none
	 */
	@Override
	public List<ToolCallDelta> toolCalls() {
		return (this.toolCalls != null) ? this.toolCalls : List.of();
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
