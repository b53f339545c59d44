package io.echo.llm.chat;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code error} object of an error body ({@code {"error":{...}}}) or of a chunk inside a stream, such as Groq's
 * {@code {"message":"...","type":"invalid_request_error","code":"tool_use_failed","status_code":400}} or OpenRouter's
 * {@code {"code":400,"message":"Token limit reached"}}. A numeric {@code code} reads as its text ({@code "400"}) and
 * is written back as the number it was.
 *
 * @param message the provider's message
 * @param type the error type, such as {@code "invalid_request_error"}
 * @param param the request parameter the error is about
 * @param code the provider's error code, such as {@code "rate_limit_exceeded"}
 * @param statusCode the HTTP status the provider reports inside the body ({@code status_code}), if any
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ApiError(@Nullable String message, @Nullable String type, @Nullable String param, @Nullable String code,
		@Nullable Integer statusCode, Map<String, JsonNode> extra) {

	/**
	 * Creates an error object.
	 * @param message the message
	 * @param type the type
	 * @param param the parameter
	 * @param code the code
	 * @param statusCode the status reported in the body
	 * @param extra other fields
	 */
	public ApiError {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates an error object with a message, type and code.
	 * @param message the message
	 * @param type the type
	 * @param code the code
	 * @return the error
	 */
	public static ApiError of(@Nullable String message, @Nullable String type, @Nullable String code) {
		return new ApiError(message, type, null, code, null, Map.of());
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
