package io.echo.llm.chat;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** Skeleton: the wire-types work replaces it, keeping these accessors. */
public record ChatCompletionChunk(@Nullable String id, @Nullable String model, List<ChunkChoice> choices,
		@Nullable Usage usage, @Nullable ApiError error) {

	/** Text content of the first choice's delta, or {@code ""}. */
	public String text() {
		return "";
	}

}
