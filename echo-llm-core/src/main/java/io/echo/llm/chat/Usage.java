package io.echo.llm.chat;

import org.jspecify.annotations.Nullable;

/** Skeleton. */
public record Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens, @Nullable Integer totalTokens) {
}
