package io.echo.llm.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmTimeoutException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a failure that {@link LlmSseRelay#relayWithStatus} (or the deprecated {@code relayAfterStatus}) handed to
 * Spring MVC and that no {@code @ExceptionHandler} of the application took: with the provider's status (a status
 * outside 4xx/5xx as {@code 502}, a timeout as {@code 504}, no executor thread as {@code 503}) and OpenAI's error JSON,
 * as the relay's {@code error} events have it. Without it such a failure became an empty {@code 500} and two ERROR
 * lines with the provider's text and a stack trace. The relay logged the failure already, under the id the client
 * sees in {@code X-Request-Id}, so this logs nothing above DEBUG.
 * <p>
 * Last in order, after the application's own handlers, and only for the failure the relay answered (never for another
 * exception of the same request).
 */
public final class LlmRelayStatusResolver implements HandlerExceptionResolver, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(LlmRelayStatusResolver.class);

	/** Request attribute under which the relay keeps the {@link RelayStatusGate} of the request's stream. */
	static final String GATE_ATTRIBUTE = LlmRelayStatusResolver.class.getName() + ".gate";

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(request.getAttribute(GATE_ATTRIBUTE) instanceof RelayStatusGate gate) || !gate.answered(ex)
				|| response.isCommitted()) {
			return null;
		}
		RelayError given = RelayError.of(ex);
		int status = RelayError.passedThrough(given.status()) ? given.status()
				: (ex instanceof LlmTimeoutException) ? 504 : 502;
		RelayError error = new RelayError(status, given.code(), given.message());
		response.resetBuffer();
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		if (given == RelayError.BUSY) {
			response.setHeader(HttpHeaders.RETRY_AFTER, "1");
		}
		else if (ex instanceof LlmApiException api) {
			api.retryAfter().ifPresent((wait) -> response.setHeader(HttpHeaders.RETRY_AFTER,
					String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000))));
		}
		try {
			response.getOutputStream().write(error.toOpenAiJson().toString().getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException writeFailure) {
			logger.debug("Relay client gone before its error status: {}", writeFailure.toString());
		}
		return new ModelAndView();
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
