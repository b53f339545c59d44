package io.echo.llm.chat;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** Skeleton. */
public record ChatCompletionResponse(@Nullable String id, @Nullable String model, List<Object> choices,
		@Nullable Usage usage) {
}
