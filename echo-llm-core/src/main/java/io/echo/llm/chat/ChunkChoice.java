package io.echo.llm.chat;

import org.jspecify.annotations.Nullable;

/** Skeleton. */
public record ChunkChoice(int index, @Nullable Object delta, @Nullable String finishReason) {
}
