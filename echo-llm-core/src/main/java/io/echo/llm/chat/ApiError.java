package io.echo.llm.chat;

import org.jspecify.annotations.Nullable;

/** Skeleton: the {@code error} object of OpenAI-style bodies and chunks. */
public record ApiError(@Nullable String message, @Nullable String type, @Nullable String code) {
}
