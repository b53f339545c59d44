package io.echo.llm.chat;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code image_url} object of an image {@link ContentPart}.
 *
 * @param url an {@code https:} or {@code data:} URL of the image
 * @param detail {@code "auto"}, {@code "low"} or {@code "high"}
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ImageUrl(@Nullable String url, @Nullable String detail, Map<String, JsonNode> extra) {

	/**
	 * Creates an image reference.
	 * @param url the URL
	 * @param detail the detail level
	 * @param extra other fields
	 */
	public ImageUrl {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates an image reference with the provider's default detail.
	 * @param url the URL
	 * @return the reference
	 */
	public static ImageUrl of(String url) {
		return new ImageUrl(Objects.requireNonNull(url, "url"), null, Map.of());
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
