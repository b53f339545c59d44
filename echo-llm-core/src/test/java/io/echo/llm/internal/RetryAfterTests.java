package io.echo.llm.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** How the server's requested wait is read from the headers. */
class RetryAfterTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

	@ParameterizedTest(name = "retry-after-ms={0}, Retry-After={1} -> {2} ms")
	@CsvSource(nullValues = "none", value = { "none, none, none", "1500, none, 1500", "250, 30, 250",
			"none, 2, 2000", "none, 0.5, 500", "none, 'Wed, 25 Nov 2026 10:00:30 GMT', 30000",
			"none, 'Wed, 25 Nov 2026 09:00:00 GMT', 0", "none, soon, none", "abc, 3, 3000", "-5, none, none" })
	void readsMillisSecondsAndHttpDates(String millis, String retryAfter, Long expectedMillis) {
		HttpHeaders headers = new HttpHeaders();
		if (millis != null) {
			headers.set("retry-after-ms", millis);
		}
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
		}
		Duration wait = RetryAfter.from(headers, CLOCK);
		assertThat(wait).isEqualTo((expectedMillis != null) ? Duration.ofMillis(expectedMillis) : null);
	}

}
