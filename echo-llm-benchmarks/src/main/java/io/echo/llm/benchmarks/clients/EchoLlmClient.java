package io.echo.llm.benchmarks.clients;

import java.time.Duration;
import java.util.List;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionAccumulator;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatMessage;
import io.echo.llm.chat.Choice;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** echo-llm's {@link LlmStreamService} (RestClient over the JDK {@code HttpClient}), with its accumulator. */
final class EchoLlmClient implements StreamingClient {

	private final LlmStreamService service;

	private final ChatCompletionRequest request = ChatCompletionRequest.builder()
		.model("bench")
		.messages(List.of(ChatMessage.user("hi")))
		.build();

	private final String name;

	/**
	 * @param baseUrl the server
	 * @param requestFactory the HTTP client under RestClient, or {@code null} for the engine's default (Apache
	 * HttpClient 5 when on the class path, as here)
	 */
	EchoLlmClient(String baseUrl, @Nullable ClientHttpRequestFactory requestFactory) {
		LlmStreamService.Builder builder = LlmStreamService.builder()
			.baseUrl(baseUrl)
			.apiKey("bench")
			.maxAttempts(1)
			.idleTimeout(Duration.ofSeconds(60));
		if (requestFactory != null) {
			builder.restClient(RestClient.builder().requestFactory(requestFactory));
		}
		this.service = builder.build();
		this.name = (requestFactory != null) ? "echo-llm/" + requestFactory.getClass().getSimpleName() : "echo-llm";
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Completion stream(ContentListener listener) {
		ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
		long deltas = 0;
		try (ChatCompletionStream stream = this.service.stream(this.request)) {
			for (ChatCompletionChunk chunk : stream) {
				accumulator.add(chunk);
				String text = chunk.text();
				if (!text.isEmpty()) {
					deltas++;
					listener.onContent(text);
				}
			}
		}
		Choice choice = accumulator.result().choices().get(0);
		String content = (choice.message() != null) ? choice.message().text() : "";
		return new Completion(content, deltas, String.valueOf(choice.finishReason()));
	}

	@Override
	public void close() {
		// The service's HTTP client is released with it.
	}

}
