package io.echo.llm.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * The wait a server asks for before the next attempt: {@code retry-after-ms} (milliseconds, OpenAI's and Azure's
 * extension) wins over {@code Retry-After} (seconds, or an HTTP date). Unparseable values are ignored.
 */
final class RetryAfter {

	private RetryAfter() {
	}

	static @Nullable Duration from(HttpHeaders headers, Clock clock) {
		Duration millis = millis(headers.getFirst("retry-after-ms"));
		if (millis != null) {
			return millis;
		}
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null || value.isBlank()) {
			return null;
		}
		value = value.strip();
		Duration seconds = seconds(value);
		return (seconds != null) ? seconds : untilDate(value, clock);
	}

	private static @Nullable Duration millis(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			double ms = Double.parseDouble(value.strip());
			return (ms >= 0 && Double.isFinite(ms)) ? Duration.ofNanos((long) (ms * 1_000_000)) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static @Nullable Duration seconds(String value) {
		try {
			double seconds = Double.parseDouble(value);
			return (seconds >= 0 && Double.isFinite(seconds)) ? Duration.ofMillis((long) (seconds * 1000)) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static @Nullable Duration untilDate(String value, Clock clock) {
		try {
			ZonedDateTime date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration wait = Duration.between(clock.instant(), date.toInstant());
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
