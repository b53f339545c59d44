package io.echo.llm.benchmarks.clients;

import java.time.Duration;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/** The official {@code com.openai:openai-java} SDK (OkHttp), blocking stream, with its {@link ChatCompletionAccumulator}. */
final class OpenAiJavaClient implements StreamingClient {

	private final OpenAIClient client;

	private final ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
		.model("bench")
		.addUserMessage("hi")
		.build();

	OpenAiJavaClient(String baseUrl) {
		this.client = OpenAIOkHttpClient.builder()
			.baseUrl(baseUrl)
			.apiKey("bench")
			.maxRetries(0)
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	@Override
	public String name() {
		return "openai-java";
	}

	@Override
	public Completion stream(ContentListener listener) {
		ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
		long deltas = 0;
		try (StreamResponse<ChatCompletionChunk> response = this.client.chat().completions().createStreaming(this.params)) {
			var chunks = response.stream().iterator();
			while (chunks.hasNext()) {
				ChatCompletionChunk chunk = accumulator.accumulate(chunks.next());
				if (!chunk.choices().isEmpty()) {
					String text = chunk.choices().get(0).delta().content().orElse("");
					if (!text.isEmpty()) {
						deltas++;
						listener.onContent(text);
					}
				}
			}
		}
		ChatCompletion.Choice choice = accumulator.chatCompletion().choices().get(0);
		return new Completion(choice.message().content().orElse(""), deltas, choice.finishReason().asString());
	}

	@Override
	public void close() {
		this.client.close();
	}

}
