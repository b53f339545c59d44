package io.echo.llm.chat;

import org.jspecify.annotations.Nullable;

/** Skeleton: the wire-types work replaces it, keeping these factories and accessors. */
public record ChatMessage(String role, @Nullable String content) {

	public static ChatMessage system(String text) {
		return new ChatMessage("system", text);
	}

	public static ChatMessage user(String text) {
		return new ChatMessage("user", text);
	}

	public static ChatMessage assistant(String text) {
		return new ChatMessage("assistant", text);
	}

}
