package io.echo.llm.benchmarks.clients;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;

/**
 * LangChain4j's {@link OpenAiStreamingChatModel} (JDK {@code HttpClient} by default), consumed through a
 * {@link StreamingChatResponseHandler}; the complete response is LangChain4j's own accumulation.
 */
final class LangChain4jClient implements StreamingClient {

	private final OpenAiStreamingChatModel model;

	LangChain4jClient(String baseUrl) {
		this.model = OpenAiStreamingChatModel.builder()
			.baseUrl(baseUrl)
			.apiKey("bench")
			.modelName("bench")
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	@Override
	public String name() {
		return "langchain4j";
	}

	@Override
	public Completion stream(ContentListener listener) throws Exception {
		CompletableFuture<ChatResponse> done = new CompletableFuture<>();
		AtomicLong deltas = new AtomicLong();
		this.model.chat("hi", new StreamingChatResponseHandler() {

			@Override
			public void onPartialResponse(String text) {
				deltas.incrementAndGet();
				listener.onContent(text);
			}

			@Override
			public void onCompleteResponse(ChatResponse response) {
				done.complete(response);
			}

			@Override
			public void onError(Throwable error) {
				done.completeExceptionally(error);
			}

		});
		ChatResponse response = done.get(5, TimeUnit.MINUTES);
		return new Completion(response.aiMessage().text(), deltas.get(), String.valueOf(response.finishReason()));
	}

	@Override
	public void close() {
		// The model's JDK HttpClient is released with the model.
	}

}
