package io.echo.llm.web;

/**
 * Shape of the server-sent events {@link LlmSseRelay} writes.
 */
public enum RelayFormat {

	/**
	 * OpenAI's own wire format, so that any OpenAI SDK can read the relay: one unnamed {@code data: <chunk json>}
	 * event per chunk, then {@code data: [DONE]}. A failure is an {@code error} event whose data is
	 * {@code {"error": {"status": .., "code": .., "message": ..}}}, which the SDKs raise as an API error.
	 */
	OPENAI,

	/**
	 * Named events with small JSON payloads, for {@code EventSource} in a browser: {@code token} and
	 * {@code reasoning} ({@code {"text": ".."}}), {@code tool_call} ({@code {"index": 0, "id": .., "name": ..,
	 * "arguments": ..}}, a delta), {@code usage} ({@code {"prompt_tokens": .., "completion_tokens": ..,
	 * "total_tokens": ..}}), then {@code done} ({@code {"finish_reason": "stop"}}) or {@code error}
	 * ({@code {"status": 429, "code": "..", "message": ".."}}).
	 */
	BROWSER

}
