package io.echo.llm.chat;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One part of an array {@code content}: {@code {"type":"text","text":"..."}},
 * {@code {"type":"image_url","image_url":{"url":"..."}}}, or any other type, whose fields stay in {@link #extra()}
 * (for example {@code input_audio}, {@code file}, or Mistral's {@code thinking}).
 *
 * @param type the part type, such as {@code "text"} or {@code "image_url"}
 * @param text the text of a {@code "text"} part
 * @param imageUrl the image of an {@code "image_url"} part
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ContentPart(@Nullable String type, @Nullable String text,
		@JsonProperty("image_url") @Nullable ImageUrl imageUrl, Map<String, JsonNode> extra) {

	/** The type of a text part. */
	public static final String TEXT = "text";

	/** The type of an image part. */
	public static final String IMAGE_URL = "image_url";

	/**
	 * Creates a part.
	 * @param type the part type
	 * @param text the text of a text part
	 * @param imageUrl the image of an image part
	 * @param extra other fields
	 */
	public ContentPart {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a text part.
	 * @param text the text
	 * @return the part
	 */
	public static ContentPart text(String text) {
		return new ContentPart(TEXT, Objects.requireNonNull(text, "text"), null, Map.of());
	}

	/**
	 * Creates an image part.
	 * @param url an {@code https:} or {@code data:} URL of the image
	 * @return the part
	 */
	public static ContentPart imageUrl(String url) {
		return new ContentPart(IMAGE_URL, null, ImageUrl.of(url), Map.of());
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
