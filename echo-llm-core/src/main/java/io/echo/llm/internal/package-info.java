/**
 * The engine behind {@link io.echo.llm.LlmStreamService}. Not API: anything here may change in any release; the few
 * public classes are public only for another echo-llm package or module, and say so.
 * <p>
 * One chunk's path: {@code DefaultLlmStreamService} opens the call through {@code CallRetry} (which decides, waits and
 * counts attempts) and {@code ChatTransport} (the HTTP request, status and content checks, over one {@code Exchange}
 * per attempt, which keeps how it ended and its timers, and leaves aborting to the HTTP client's adapter behind
 * {@code HttpTransport}: {@code ApacheTransport}, {@code JdkTransport}, or {@code GivenTransport} for a caller's
 * {@code RestClient.Builder}); {@code DefaultChatCompletionStream} reads the body on the caller's thread into
 * {@link io.echo.llm.sse.SseParser} (through {@code BodyEvents}), and {@code ChunkDecoder} turns each event into a chunk
 * or a typed failure, its control decisions taken by {@code ChunkSignals}. The stream keeps the provider's data of
 * each chunk it hands out ({@code RawChunkData}), which the starter's OpenAI relay forwards byte for byte.
 * Timers live in {@code Deadlines}, checked by the one {@code TimeoutWatchdog} thread.
 * <p>
 * Depends on the API package, {@code chat} and {@code sse}; nothing in those depends on this package.
 */
@NullMarked
package io.echo.llm.internal;

import org.jspecify.annotations.NullMarked;
