package io.echo.llm.chat;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** Skeleton: the wire-types work replaces it, keeping these accessors. */
public record ChatCompletionRequest(@Nullable String model, List<ChatMessage> messages, @Nullable Boolean stream) {

	/** Returns a copy that names the given model. */
	public ChatCompletionRequest withModel(@Nullable String model) {
		return new ChatCompletionRequest(model, this.messages, this.stream);
	}

	/** Returns a copy with {@code "stream"} set (and, when streaming, {@code stream_options.include_usage}). */
	public ChatCompletionRequest withStream(boolean stream) {
		return new ChatCompletionRequest(this.model, this.messages, stream);
	}

}
