package io.echo.llm.chat;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code stream_options} of a streaming request.
 *
 * @param includeUsage whether the provider should send token usage at the end of the stream
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record StreamOptions(@JsonProperty("include_usage") @Nullable Boolean includeUsage,
		Map<String, JsonNode> extra) {

	/**
	 * Creates stream options.
	 * @param includeUsage whether to include usage
	 * @param extra other fields
	 */
	public StreamOptions {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Options that ask for a final usage chunk ({@code {"include_usage":true}}).
	 * @return the options
	 */
	public static StreamOptions includingUsage() {
		return new StreamOptions(true, Map.of());
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
