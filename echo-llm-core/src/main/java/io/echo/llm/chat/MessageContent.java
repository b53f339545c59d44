package io.echo.llm.chat;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code content} of a message or a delta: either a string or an array of {@link ContentPart parts}.
 * <p>
 * Requests use parts for images and other media; a few providers stream parts in deltas too (Mistral's Magistral
 * sends its reasoning as {@code [{"type":"thinking","thinking":[...]}]}).
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public sealed interface MessageContent permits MessageContent.Text, MessageContent.Parts {

	/**
	 * Returns the content as text: the string itself, or the concatenated {@code text} of the {@code "text"} parts
	 * (other parts, such as images or Mistral's {@code "thinking"} parts, are not text of the answer).
	 * @return the text, possibly empty
	 */
	String text();

	/**
	 * Returns the text of the given content.
	 * @param content the content, or {@code null}
	 * @return its {@link #text()}, {@code ""} for {@code null}
	 */
	static String textOf(@Nullable MessageContent content) {
		return (content != null) ? content.text() : "";
	}

	/**
	 * Creates string content.
	 * @param text the text
	 * @return the content
	 */
	static MessageContent of(String text) {
		return new Text(text);
	}

	/**
	 * Creates content made of parts.
	 * @param parts the parts
	 * @return the content
	 */
	static MessageContent of(List<ContentPart> parts) {
		return new Parts(parts);
	}

	/**
	 * String content.
	 *
	 * @param text the text
	 */
	record Text(String text) implements MessageContent {

		/**
		 * Creates string content.
		 * @param text the text
		 */
		public Text {
			Objects.requireNonNull(text, "text");
		}

	}

	/**
	 * Content made of parts.
	 *
	 * @param parts the parts, in order
	 */
	record Parts(List<ContentPart> parts) implements MessageContent {

		/**
		 * Creates content made of parts.
		 * @param parts the parts, in order
		 */
		public Parts {
			parts = List.copyOf(parts);
		}

		@Override
		public String text() {
			StringBuilder text = new StringBuilder();
			for (ContentPart part : this.parts) {
				if (ContentPart.TEXT.equals(part.type()) && part.text() != null) {
					text.append(part.text());
				}
			}
			return text.toString();
		}

	}

}
