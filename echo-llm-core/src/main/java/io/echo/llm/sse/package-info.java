/**
 * Spec-exact {@code text/event-stream} parsing (WHATWG HTML "interpreting an event stream"):
 * {@link io.echo.llm.sse.SseParser} turns bytes into {@link io.echo.llm.sse.SseEvent}s, bounded by
 * {@link io.echo.llm.sse.SseLimitExceededException}. Knows nothing of chat completions. Depends on the JDK only.
 */
package io.echo.llm.sse;
