package io.echo.llm.internal;

import java.net.URI;
import java.util.Locale;
import java.util.function.UnaryOperator;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmInvalidResponseException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * What the engine refuses in a response head before it reads the body: an encoding it did not ask for, a body that is
 * not an event stream on a streaming call, a redirect. Each is reported as what it is, not as a truncated stream.
 */
final class ResponseChecks {

	private ResponseChecks() {
	}

	/**
	 * The engine asks for {@code identity}: a compressed body would reach the SSE parser as binary garbage (okhttp
	 * and httpx would inflate it; the engine keeps the socket-to-caller path free of an inflater's buffer instead).
	 * @throws LlmInvalidResponseException naming the encoding
	 */
	static void checkEncoding(HttpHeaders headers, URI uri, UnaryOperator<String> masked) {
		String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
		if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
			throw new LlmInvalidResponseException("The LLM provider at " + uri + " sent a body with Content-Encoding "
					+ Texts.abbreviate(masked.apply(encoding.strip()), 100) + ", which was not asked for (Accept-Encoding: identity)",
					null);
		}
	}

	/**
	 * A body that a streaming call cannot read as events: anything but {@code text/event-stream}, as okhttp-sse
	 * refuses it. A response without a type is read as an event stream (some servers send none); a JSON body is not
	 * refused here, so that the caller may read the provider's error from it first.
	 * @return the failure to report, or {@code null} when the body can be read as events
	 */
	static @Nullable LlmInvalidResponseException notAnEventStream(HttpHeaders headers, URI uri,
			UnaryOperator<String> masked) {
		MediaType type;
		try {
			type = headers.getContentType();
		}
		catch (RuntimeException ex) {
			return wrongType(headers.getFirst(HttpHeaders.CONTENT_TYPE), uri, masked);
		}
		if (type == null || MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
			return null;
		}
		return wrongType(type.toString(), uri, masked);
	}

	static boolean isJson(HttpHeaders headers) {
		try {
			MediaType type = headers.getContentType();
			return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
					|| type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static LlmInvalidResponseException wrongType(@Nullable String type, URI uri,
			UnaryOperator<String> masked) {
		return new LlmInvalidResponseException("The LLM provider at " + uri + " answered a streaming request with "
				+ "Content-Type " + Texts.abbreviate(masked.apply(String.valueOf(type)), 100)
				+ " instead of text/event-stream", null);
	}

	/**
	 * A redirect is not followed (it could carry the API key to another host) nor retried (it would redirect again):
	 * the base URL should name where it points.
	 * @param masked masks secrets in provider-sourced text
	 */
	static LlmApiException redirect(int status, HttpHeaders headers, URI uri, UnaryOperator<String> masked) {
		String location = headers.getFirst(HttpHeaders.LOCATION);
		String where = (location != null) ? " to " + masked.apply(Texts.abbreviate(location, 200)) : "";
		return new LlmApiException(status, null, "redirect" + where + " not followed; set the base URL (now " + uri
				+ ") to the address the provider serves", null);
	}

}
