package io.echo.llm.internal;

import java.time.Duration;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTimeoutException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry decision and back-off of one call, without HTTP. */
class CallRetryTests {

	private final LlmClientSettings settings = LlmClientSettings.defaults()
		.withRetry(5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

	private static LlmApiException status(int status) {
		return new LlmApiException(status, null, null, null);
	}

	@ParameterizedTest(name = "HTTP {0}: retried={1}")
	@CsvSource({ "400,false", "401,false", "403,false", "404,false", "422,false", "418,false", "408,true",
			"409,true", "429,true", "500,true", "503,true", "599,true" })
	void statusDecidesWhenTheServerSaysNothing(int status, boolean retried) {
		CallRetry retry = new CallRetry(this.settings);
		retry.startAttempt();
		assertThat(retry.shouldRetry(status(status))).isEqualTo(retried);
	}

	@Test
	void timeoutsBeforeTheFirstChunkAreRetriedOthersNot() {
		CallRetry retry = new CallRetry(this.settings);
		retry.startAttempt();
		assertThat(retry.shouldRetry(new LlmTimeoutException(Kind.CONNECT, Duration.ZERO))).isTrue();
		assertThat(retry.shouldRetry(new LlmTimeoutException(Kind.FIRST_CHUNK, Duration.ZERO))).isTrue();
		assertThat(retry.shouldRetry(new LlmTimeoutException(Kind.IDLE, Duration.ZERO))).isFalse();
		assertThat(retry.shouldRetry(new LlmTimeoutException(Kind.OVERALL, Duration.ZERO))).isFalse();
		assertThat(retry.shouldRetry(new LlmNetworkException("reset", null))).isTrue();
	}

	@Test
	void backOffDoublesFromInitialUpToMaxWithAtMostAQuarterJitter() {
		CallRetry retry = new CallRetry(this.settings.withRetry(8, Duration.ofMillis(500), Duration.ofSeconds(8),
				Duration.ofSeconds(60)));
		long[] nominal = { 500, 1000, 2000, 4000, 8000, 8000, 8000 };
		for (long expected : nominal) {
			retry.startAttempt();
			assertThat(retry.plannedBackOff()).isBetween(expected * 3 / 4, expected);
		}
	}

	@Test
	void serverWaitReplacesTheBackOffEvenAboveMaxBackoff() {
		CallRetry retry = new CallRetry(this.settings);
		retry.startAttempt();
		retry.serverSaid(Duration.ofSeconds(20), null);
		assertThat(retry.shouldRetry(status(429))).isTrue();
		assertThat(retry.plannedBackOff()).isEqualTo(20_000);
	}

	@Test
	void serverWaitAboveMaxRetryAfterStopsAtOnce() {
		CallRetry retry = new CallRetry(this.settings);
		retry.startAttempt();
		retry.serverSaid(Duration.ofSeconds(61), null);
		assertThat(retry.shouldRetry(status(429))).isFalse();
		assertThat(retry.waitTooLong()).isTrue();
	}

	@Test
	void shouldRetryHeaderOverridesTheStatusButNotTheNeverList() {
		CallRetry retry = new CallRetry(this.settings);
		retry.startAttempt();
		retry.serverSaid(null, false);
		assertThat(retry.shouldRetry(status(503))).isFalse();
		retry.serverSaid(null, true);
		assertThat(retry.shouldRetry(status(418))).isTrue();
		assertThat(retry.shouldRetry(status(401))).isFalse();
	}

	@Test
	void stopsAfterMaxAttemptsAndWhenCancelled() {
		CallRetry retry = new CallRetry(this.settings.withRetry(2, Duration.ZERO, Duration.ZERO, Duration.ZERO));
		retry.startAttempt();
		assertThat(retry.shouldRetry(status(503))).isTrue();
		retry.startAttempt();
		assertThat(retry.shouldRetry(status(503))).isFalse();
		CallRetry cancelled = new CallRetry(this.settings);
		cancelled.startAttempt();
		cancelled.cancel();
		assertThat(cancelled.shouldRetry(status(503))).isFalse();
	}

}
