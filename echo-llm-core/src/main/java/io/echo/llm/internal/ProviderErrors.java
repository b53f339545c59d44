package io.echo.llm.internal;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.chat.ChatJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the provider's error out of an error body or an in-stream error event: OpenAI's
 * {@code {"error": {"message", "type", "code"}}}, vLLM's and others' top-level {@code {"message", "code"}}, FastAPI's
 * {@code {"detail": ...}}, or plain text (shortened). Every string is masked with the service's {@link Secrets} once
 * it is decoded (a key the provider wrote with JSON's unicode escapes is only recognisable then) and before it is
 * shortened (so that a cut cannot leave a piece of a key unmasked).
 */
final class ProviderErrors {

	private static final int MAX_TEXT = 300;

	private static final List<String> STATUS_FIELDS = List.of("status_code", "status", "code");

	private static final Pattern STATUS_TEXT = Pattern.compile("\\d{3}");

	private ProviderErrors() {
	}

	/** An HTTP error status with the given body (possibly cut short). */
	static LlmApiException apiException(int status, String body, @Nullable Duration retryAfter, Secrets secrets) {
		ProviderError error = parse(body, secrets);
		return new LlmApiException(status, error.code(), error.message(), retryAfter);
	}

	/** An error reported inside a stream (the data of an {@code event: error}). */
	static LlmStreamErrorException streamError(String data, Secrets secrets) {
		ProviderError error = parse(data, secrets);
		return new LlmStreamErrorException(error.code(), error.message(), error.status());
	}

	/** An {@code error} object found on a chunk or in a body. */
	static LlmStreamErrorException streamError(JsonNode errorObject, Secrets secrets) {
		ProviderError error = fromObject(errorObject, secrets);
		return new LlmStreamErrorException(error.code(), error.message(), error.status());
	}

	static ProviderError parse(String body, Secrets secrets) {
		JsonNode root = readTree(body);
		if (root != null && root.isObject()) {
			JsonNode error = root.get("error");
			if (error != null && error.isObject()) {
				return fromObject(error, secrets);
			}
			if (error != null && error.isString()) {
				return new ProviderError(shorten(secrets.mask(error.stringValue())),
						secrets.maskNullable(text(root.get("code"))), status(root));
			}
			if (root.has("message")) {
				return fromObject(root, secrets);
			}
			JsonNode detail = root.get("detail");
			if (detail != null) {
				String text = secrets.maskNullable(text(detail));
				return new ProviderError((text != null) ? shorten(text) : null, null, 0);
			}
		}
		// Not JSON, or JSON cut short: its escapes are decoded all the same before masking.
		String text = secrets.maskRaw(body).strip();
		return new ProviderError(text.isEmpty() ? null : shorten(text), null, 0);
	}

	private static ProviderError fromObject(JsonNode error, Secrets secrets) {
		String message = secrets.maskNullable(text(error.get("message")));
		String code = text(error.get("code"));
		if (code == null) {
			code = text(error.get("type"));
		}
		return new ProviderError((message != null) ? shorten(message) : null, secrets.maskNullable(code),
				status(error));
	}

	/** {@code status_code}, or a numeric {@code code} (OpenRouter sends {@code "code": 400}). */
	private static int status(JsonNode error) {
		for (String field : STATUS_FIELDS) {
			JsonNode value = error.get(field);
			if (value != null && value.isIntegralNumber() && value.canConvertToInt()) {
				return value.intValue();
			}
			if (value != null && value.isString() && STATUS_TEXT.matcher(value.stringValue()).matches()) {
				return Integer.parseInt(value.stringValue());
			}
		}
		return 0;
	}

	/** A value's text, or an object's or array's JSON with its strings decoded (Jackson escapes only what it must). */
	private static @Nullable String text(@Nullable JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		String text = node.isValueNode() ? node.asString() : Secrets.unescapeJson(node.toString());
		return text.isEmpty() ? null : text;
	}

	private static @Nullable JsonNode readTree(String body) {
		try {
			return ChatJson.mapper().readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String shorten(String text) {
		return Texts.abbreviate(text, MAX_TEXT);
	}

	/**
	 * What a provider said about a failure.
	 *
	 * @param message its message, shortened
	 * @param code its error code (or type)
	 * @param status HTTP status it named, or 0
	 */
	record ProviderError(@Nullable String message, @Nullable String code, int status) {
	}

}
