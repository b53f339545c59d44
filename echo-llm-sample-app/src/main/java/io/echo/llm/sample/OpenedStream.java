package io.echo.llm.sample;

import java.util.concurrent.atomic.AtomicReference;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;

/**
 * A single-use {@link LlmStreamService} that hands out a stream opened earlier, so that
 * {@link io.echo.llm.web.LlmSseRelay} can relay a stream whose HTTP status was checked first.
 */
final class OpenedStream implements LlmStreamService {

	private final AtomicReference<@Nullable ChatCompletionStream> stream;

	OpenedStream(ChatCompletionStream stream) {
		this.stream = new AtomicReference<>(stream);
	}

	@Override
	public ChatCompletionStream stream(ChatCompletionRequest request) {
		ChatCompletionStream opened = this.stream.getAndSet(null);
		if (opened == null) {
			throw new IllegalStateException("This stream was already handed out");
		}
		return opened;
	}

	@Override
	public ChatCompletionResponse complete(ChatCompletionRequest request) {
		throw new UnsupportedOperationException("An opened stream cannot answer a request that does not stream");
	}

}
