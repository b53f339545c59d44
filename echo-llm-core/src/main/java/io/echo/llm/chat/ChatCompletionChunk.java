package io.echo.llm.chat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One {@code chat.completion.chunk} of a stream: deltas per choice, and on some chunks {@code usage} or a top-level
 * {@code error}. Provider fields (Groq's {@code x_groq}, Azure's {@code prompt_filter_results}, OpenAI's
 * {@code obfuscation}) stay in {@link #extra()} and are written back unchanged.
 * <pre>{@code
 * ChatCompletionChunk chunk = ChatJson.mapper().readValue(event.data(), ChatCompletionChunk.class);
 * System.out.print(chunk.text());
 * }</pre>
 *
 * @param id the completion id, the same on every chunk of a stream (Azure sends {@code ""} on its first chunk)
 * @param object {@code "chat.completion.chunk"}
 * @param created creation time in seconds since the epoch
 * @param model the model that answers
 * @param systemFingerprint the backend configuration fingerprint
 * @param choices the choices this chunk adds to; empty on a usage-only or prompt-filter chunk
 * @param usage token counts, on whichever chunk the provider puts them
 * @param error an error reported inside the stream
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ChatCompletionChunk(@Nullable String id, @Nullable String object, @Nullable Long created,
		@Nullable String model, @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
		@Nullable List<ChunkChoice> choices, @Nullable Usage usage, @Nullable ApiError error,
		Map<String, JsonNode> extra) {

	/** The {@code object} of a chunk. */
	public static final String OBJECT = "chat.completion.chunk";

	/**
	 * Creates a chunk.
	 * @param id the completion id
	 * @param object the object type
	 * @param created the creation time
	 * @param model the model
	 * @param systemFingerprint the fingerprint
	 * @param choices the choices
	 * @param usage the usage
	 * @param error the error
	 * @param extra other fields
	 */
	public ChatCompletionChunk {
		choices = WireValues.copyList(choices);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a chunk with the given choices.
	 * @param id the completion id
	 * @param model the model
	 * @param choices the choices
	 * @return the chunk
	 */
	public static ChatCompletionChunk of(@Nullable String id, @Nullable String model, List<ChunkChoice> choices) {
		return new ChatCompletionChunk(id, OBJECT, null, model, null, choices, null, null, Map.of());
	}

	/**
	 * Returns the choices.
	 * @return the choices, empty when there are none
	 */
	@Override
	public List<ChunkChoice> choices() {
		return (this.choices != null) ? this.choices : List.of();
	}

	/**
	 * Returns the text the first choice's delta adds.
	 * @return the text, {@code ""} when there is none
	 */
	public String text() {
		List<ChunkChoice> choices = choices();
		if (choices.isEmpty() || choices.get(0).delta() == null) {
			return "";
		}
		return choices.get(0).delta().text();
	}

	/**
	 * Returns the choices as the provider sent them, telling an absent field from an empty one; most callers want
	 * {@link #choices()}.
	 * @return the choices, or {@code null} when the field was absent (or not an array: then it is in {@link #extra()})
	 */
	public @Nullable List<ChunkChoice> choicesAsRead() {
		return this.choices;
	}

	/**
	 * Returns the extra fields without a copy, for code that reads them on every chunk (the streaming engine);
	 * {@link #extra()} returns a copy.
	 * @return the fields, unmodifiable; their nodes are this chunk's own and must not be changed
	 */
	public Map<String, JsonNode> extraAsRead() {
		return this.extra;
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
