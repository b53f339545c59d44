package io.echo.llm;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Which failures are retried, how often, and how the server's own wait is honoured. */
@Timeout(30)
class LlmStreamServiceRetryTests extends WireMockSupport {

	private static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
			+ "\"code\":\"rate_limit_exceeded\"}}";

	/** The first answer, then a normal stream for every later request. */
	private void firstThenStream(ResponseDefinitionBuilder first) {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).inScenario("retry")
			.whenScenarioStateIs(STARTED)
			.willReturn(first)
			.willSetStateTo("recovered"));
		this.wireMock.stubFor(post(urlEqualTo(PATH)).inScenario("retry")
			.whenScenarioStateIs("recovered")
			.willReturn(sseOk()));
	}

	private void always(ResponseDefinitionBuilder response) {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(response));
	}

	private static ResponseDefinitionBuilder sseOk() {
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(chunkEvent("c1", "Hi") + "data: [DONE]\n\n");
	}

	private static ResponseDefinitionBuilder error(int status) {
		return json(status, RATE_LIMITED);
	}

	private void assertStreamsAfterOneRetry(LlmStreamService llm) {
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1");
		}
		assertThat(requests()).isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(ints = { 408, 409, 429, 500, 502, 503, 504 })
	void retriesRetryableStatuses(int status) {
		firstThenStream(error(status));
		assertStreamsAfterOneRetry(llm().build());
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404, 422 })
	void neverRetriesClientErrorsEvenWhenTheServerSaysTo(int status) {
		always(error(status).withHeader("x-should-retry", "true"));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().build().stream(hello()))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(status);
				assertThat(ex.code()).isEqualTo("rate_limit_exceeded");
				assertThat(ex.providerMessage()).isEqualTo("Rate limit reached");
				assertThat(ex.getMessage()).contains(String.valueOf(status), "Rate limit reached")
					.doesNotContain("sk-test-secret", "Say hello");
			});
		assertThat(requests()).isEqualTo(1);
	}

	@Test
	void givesUpAfterMaxAttempts() {
		always(error(503));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().maxAttempts(3).build().stream(hello()))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(503));
		assertThat(requests()).isEqualTo(3);
	}

	@Test
	void oneAttemptMeansNoRetry() {
		always(error(503));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().maxAttempts(1).build().stream(hello()));
		assertThat(requests()).isEqualTo(1);
	}

	@Test
	void shouldRetryFalseStopsARetryableStatus() {
		always(error(503).withHeader("x-should-retry", "false"));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().build().stream(hello()));
		assertThat(requests()).isEqualTo(1);
	}

	@Test
	void shouldRetryTrueRetriesAnotherStatus() {
		firstThenStream(error(418).withHeader("x-should-retry", "true"));
		assertStreamsAfterOneRetry(llm().build());
	}

	@Test
	void retryAfterMsIsHonouredEvenAboveMaxBackoff() {
		firstThenStream(error(429).withHeader("retry-after-ms", "200"));
		assertStreamsAfterOneRetry(llm().maxBackoff(Duration.ofMillis(1)).build());
	}

	@Test
	void retryAfterSecondsIsHonoured() {
		firstThenStream(error(429).withHeader("Retry-After", "0"));
		assertStreamsAfterOneRetry(llm().build());
	}

	@Test
	void retryAfterHttpDateIsHonoured() {
		String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(5));
		firstThenStream(error(503).withHeader("Retry-After", past));
		assertStreamsAfterOneRetry(llm().build());
	}

	@Test
	void retryAfterAboveMaxRetryAfterFailsAtOnce() {
		always(error(429).withHeader("Retry-After", "120"));
		assertThatExceptionOfType(LlmApiException.class)
			.isThrownBy(() -> llm().maxRetryAfter(Duration.ofSeconds(60)).build().stream(hello()))
			.satisfies((ex) -> assertThat(ex.retryAfter()).contains(Duration.ofSeconds(120)));
		assertThat(requests()).isEqualTo(1);
	}

	@Test
	void retryAfterHttpDateAboveMaxRetryAfterFailsAtOnce() {
		String later = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
		always(error(503).withHeader("Retry-After", later));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().build().stream(hello()))
			.satisfies((ex) -> assertThat(ex.retryAfter()).hasValueSatisfying(
					(wait) -> assertThat(wait).isGreaterThan(Duration.ofMinutes(59))));
		assertThat(requests()).isEqualTo(1);
	}

	@Test
	void connectionResetBeforeTheResponseIsRetried() {
		firstThenStream(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
		assertStreamsAfterOneRetry(llm().build());
	}

	@Test
	void garbageInsteadOfAResponseIsRetried() {
		firstThenStream(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));
		assertStreamsAfterOneRetry(llm().build());
	}

	@Test
	void connectionRefusedFailsWithANetworkErrorAfterEveryAttempt() {
		int port = this.wireMock.port();
		this.wireMock.stop();
		LlmStreamService llm = client("http://127.0.0.1:" + port + "/v1").maxAttempts(2).build();
		assertThatExceptionOfType(LlmNetworkException.class).isThrownBy(() -> llm.stream(hello()))
			.withMessageContaining("127.0.0.1:" + port)
			.withMessageNotContaining("sk-test-secret");
	}

	@Test
	void errorBodyThatIsNotJsonBecomesTheProviderMessage() {
		always(aResponse().withStatus(502).withBody("<html>Bad gateway</html>"));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().maxAttempts(1).build().stream(hello()))
			.satisfies((ex) -> assertThat(ex.providerMessage()).isEqualTo("<html>Bad gateway</html>"));
	}

}
