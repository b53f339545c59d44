package io.echo.llm;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.LlmTimeoutException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A given {@link RestClient.Builder} is used (cloned, not changed), with its interceptors and request factory. */
@Timeout(20)
class LlmStreamServiceRestClientTests extends RawServerSupport {

	@Test
	void givenBuilderIsUsedWithItsDefaultsAndInterceptors() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		AtomicInteger intercepted = new AtomicInteger();
		RestClient.Builder builder = RestClient.builder().defaultHeader("X-Tenant", "acme")
			.requestInterceptor((request, body, execution) -> {
				intercepted.incrementAndGet();
				return execution.execute(request, body);
			});
		LlmStreamService llm = client(this.server.baseUrl()).restClient(builder).build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1");
		}
		assertThat(intercepted).hasValue(1);
		assertThat(this.server.requests().get(0)).containsIgnoringCase("x-tenant: acme")
			.containsIgnoringCase("authorization: Bearer sk-test-secret");
	}

	@Test
	void connectTimeoutOfAnotherRequestFactoryIsReportedAsConnect() throws Exception {
		try (FullBacklogServer full = new FullBacklogServer()) {
			SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
			factory.setConnectTimeout(Duration.ofMillis(300));
			LlmStreamService llm = client(full.baseUrl())
				.restClient(RestClient.builder().requestFactory(factory))
				.maxAttempts(1)
				.build();
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> llm.stream(hello()))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Kind.CONNECT));
		}
	}

}
