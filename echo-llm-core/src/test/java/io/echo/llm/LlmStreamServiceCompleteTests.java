package io.echo.llm;

import java.time.Duration;

import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.Choice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code complete()}: one JSON answer, the same retry policy, connect/first-chunk/overall timeouts. */
@Timeout(30)
class LlmStreamServiceCompleteTests extends WireMockSupport {

	private static final String COMPLETION = "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"model\":\"test-model\","
			+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"},"
			+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

	@Test
	void completeSendsStreamFalseAndReadsTheResponse() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(json(200, COMPLETION)));
		ChatCompletionResponse response = llm().build().complete(hello());
		assertThat(response.text()).isEqualTo("Hello!");
		assertThat(response.choices()).singleElement().extracting(Choice::finishReason).isEqualTo("stop");
		assertThat(response.usage().totalTokens()).isEqualTo(5);
		this.wireMock.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing("\"stream\":false"))
			.withRequestBody(containing("\"model\":\"test-model\""))
			.withHeader("Authorization", equalTo("Bearer sk-test-secret")));
	}

	@Test
	void completeRetriesAServerError() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).inScenario("retry")
			.whenScenarioStateIs(STARTED)
			.willReturn(json(500, "{\"error\":{\"message\":\"boom\"}}"))
			.willSetStateTo("ok"));
		this.wireMock.stubFor(post(urlEqualTo(PATH)).inScenario("retry")
			.whenScenarioStateIs("ok")
			.willReturn(json(200, COMPLETION)));
		assertThat(llm().build().complete(hello()).text()).isEqualTo("Hello!");
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void completeDoesNotRetryUnauthorized() {
		this.wireMock.stubFor(post(urlEqualTo(PATH))
			.willReturn(json(401, "{\"error\":{\"message\":\"Incorrect API key\",\"code\":\"invalid_api_key\"}}")));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().build().complete(hello()))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(401);
				assertThat(ex.code()).isEqualTo("invalid_api_key");
				assertThat(ex.getMessage()).doesNotContain("sk-test-secret");
			});
		assertThat(requests()).isEqualTo(1);
	}

	@Test
	void providerErrorThatQuotesTheKeyOrAHeaderValueHasThemMasked() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(json(401, "{\"error\":{\"message\":"
				+ "\"Incorrect API key provided: sk-test-secret (api-key azure-secret-value)\"}}")));
		LlmStreamService llm = llm().header("api-key", "azure-secret-value").build();
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm.complete(hello()))
			.satisfies((ex) -> {
				assertThat(ex.providerMessage())
					.isEqualTo("Incorrect API key provided: ****** (api-key ******)");
				assertThat(ex.getMessage()).doesNotContain("sk-test-secret").doesNotContain("azure-secret-value");
			});
	}

	@Test
	void completeFailsWithFirstChunkTimeoutWhenTheHeadersAreLate() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(json(200, COMPLETION).withFixedDelay(5000)));
		assertThatExceptionOfType(LlmTimeoutException.class)
			.isThrownBy(() -> llm().firstChunkTimeout(Duration.ofMillis(200)).maxAttempts(2).build().complete(hello()))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.FIRST_CHUNK));
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void completeFailsWithOverallTimeoutWhenTheBodyTrickles() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(json(200, COMPLETION).withChunkedDribbleDelay(50, 5000)));
		assertThatExceptionOfType(LlmTimeoutException.class)
			.isThrownBy(() -> llm().overallTimeout(Duration.ofMillis(500)).build().complete(hello()))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.OVERALL));
	}

	@Test
	void completeWithAnErrorObjectInA200FailsWithTheProviderMessage() {
		this.wireMock.stubFor(post(urlEqualTo(PATH))
			.willReturn(json(200, "{\"error\":{\"message\":\"Model overloaded\",\"code\":\"overloaded\"}}")));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().build().complete(hello()))
			.satisfies((ex) -> assertThat(ex.providerMessage()).isEqualTo("Model overloaded"));
	}

	@Test
	void errorObjectInA200ThatQuotesTheKeyHasItMasked() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(
				json(200, "{\"error\":{\"message\":\"Incorrect API key provided: sk-test-secret\"}}")));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().build().complete(hello()))
			.satisfies((ex) -> {
				assertThat(ex.providerMessage()).isEqualTo("Incorrect API key provided: ******");
				assertThat(ex.getMessage()).doesNotContain("sk-test-secret");
			});
	}

	@Test
	void completeWithABodyThatIsNotJsonFailsAsInvalidResponse() {
		this.wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(json(200, "<html>maintenance</html>")));
		assertThatExceptionOfType(LlmInvalidResponseException.class)
			.isThrownBy(() -> llm().build().complete(hello()))
			.withMessageContaining("not JSON");
	}

}
