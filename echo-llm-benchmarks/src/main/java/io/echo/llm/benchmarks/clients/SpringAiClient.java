package io.echo.llm.benchmarks.clients;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI's {@link OpenAiChatModel} (2.0: on openai-java's async client), built without a Spring context as a
 * program would, consumed as the {@code Flux<ChatResponse>} its {@code stream(Prompt)} returns. Spring AI has no
 * public accumulator for a stream, so the text is concatenated as its users do.
 */
final class SpringAiClient implements StreamingClient {

	private final OpenAiChatModel model;

	SpringAiClient(String baseUrl) {
		this.model = OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(baseUrl)
				.apiKey("bench")
				.model("bench")
				.maxRetries(0)
				.timeout(Duration.ofSeconds(60))
				.build())
			.build();
	}

	@Override
	public String name() {
		return "spring-ai";
	}

	@Override
	public Completion stream(ContentListener listener) {
		StringBuilder content = new StringBuilder();
		AtomicLong deltas = new AtomicLong();
		AtomicReference<String> finishReason = new AtomicReference<>("");
		this.model.stream(new Prompt("hi")).doOnNext((ChatResponse response) -> {
			Generation generation = response.getResult();
			if (generation == null) {
				return;
			}
			String text = generation.getOutput().getText();
			if (text != null && !text.isEmpty()) {
				deltas.incrementAndGet();
				content.append(text);
				listener.onContent(text);
			}
			String reason = generation.getMetadata().getFinishReason();
			if (reason != null && !reason.isEmpty()) {
				finishReason.set(reason);
			}
		}).blockLast(Duration.ofMinutes(5));
		return new Completion(content.toString(), deltas.get(), finishReason.get());
	}

	@Override
	public void close() {
		// OpenAiChatModel holds no closeable resource of its own; its OkHttp pools are daemon threads.
	}

}
