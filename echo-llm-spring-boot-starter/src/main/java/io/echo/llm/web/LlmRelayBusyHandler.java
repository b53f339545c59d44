package io.echo.llm.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a stream the relay refused ({@link LlmRelayBusyException}) with {@code 503}, {@code Retry-After: 1} and
 * {@code {"error":{"message":..,"type":"api_error","param":null,"code":"relay_busy","status":503}}}: the shape the
 * OpenAI SDKs raise as an API error (and retry, for a 503), and that the relay's {@code error} events have. Last in
 * order, so that an application's own handler wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class LlmRelayBusyHandler {

	/**
	 * Returns the {@code 503} answer.
	 * @param ex the refusal
	 * @return the response, JSON whatever the client asked for ({@code text/event-stream} included)
	 */
	@ExceptionHandler
	public ResponseEntity<String> busy(LlmRelayBusyException ex) {
		return ResponseEntity.status(RelayError.BUSY.status())
			.header(HttpHeaders.RETRY_AFTER, "1")
			.header(LlmSseRelay.REQUEST_ID_HEADER, ex.requestId())
			.contentType(MediaType.APPLICATION_JSON)
			.body(RelayError.BUSY.toOpenAiJson().toString());
	}

}
