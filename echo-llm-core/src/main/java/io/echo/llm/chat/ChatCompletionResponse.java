package io.echo.llm.chat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * A whole {@code chat.completion}: the body of a non-streaming call, or what {@link ChatCompletionAccumulator} puts
 * together from a stream.
 *
 * @param id the completion id
 * @param object {@code "chat.completion"}
 * @param created creation time in seconds since the epoch
 * @param model the model that answered
 * @param systemFingerprint the backend configuration fingerprint
 * @param choices the choices, in index order
 * @param usage token counts
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ChatCompletionResponse(@Nullable String id, @Nullable String object, @Nullable Long created,
		@Nullable String model, @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
		@Nullable List<Choice> choices, @Nullable Usage usage, Map<String, JsonNode> extra) {

	/** The {@code object} of a whole completion. */
	public static final String OBJECT = "chat.completion";

	/**
	 * Creates a response.
	 * @param id the completion id
	 * @param object the object type
	 * @param created the creation time
	 * @param model the model
	 * @param systemFingerprint the fingerprint
	 * @param choices the choices
	 * @param usage the usage
	 * @param extra other fields
	 */
	public ChatCompletionResponse {
		choices = WireValues.copyList(choices);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Returns the choices.
	 * @return the choices, empty when there are none
	 */
	@Override
	public List<Choice> choices() {
		return (this.choices != null) ? this.choices : List.of();
	}

	/**
	 * Returns the text of the first choice's message.
	 * @return the text, {@code ""} when there is none
	 */
	public String text() {
		List<Choice> choices = choices();
		if (choices.isEmpty() || choices.get(0).message() == null) {
			return "";
		}
		return choices.get(0).message().text();
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
