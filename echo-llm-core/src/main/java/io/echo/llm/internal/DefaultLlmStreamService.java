package io.echo.llm.internal;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.client.RestClient;

/** Skeleton: implemented in the engine work. Not API. */
public final class DefaultLlmStreamService implements LlmStreamService {

	public DefaultLlmStreamService(LlmClientSettings settings, RestClient.@Nullable Builder restClient,
			String clientName, LlmCallListener listener) {
	}

	@Override
	public ChatCompletionResponse complete(ChatCompletionRequest request) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	@Override
	public ChatCompletionStream stream(ChatCompletionRequest request) {
		throw new UnsupportedOperationException("not yet implemented");
	}

}
