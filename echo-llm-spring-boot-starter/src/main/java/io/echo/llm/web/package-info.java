/**
 * The relay API: {@link io.echo.llm.web.LlmSseRelay} relays a streamed chat completion to a browser or an OpenAI SDK
 * over Spring MVC's {@link org.springframework.web.servlet.mvc.method.annotation.SseEmitter}, in a
 * {@link io.echo.llm.web.RelayFormat}; {@link io.echo.llm.web.LlmRequestReader} reads a bounded request body.
 * <p>
 * Also here, the plain relay's runtime: {@code RelayTask} pumps one upstream into a {@code RelaySink},
 * {@code SseHeartbeats} notices a client that left, {@code SseEmitters} writes events, {@code RelayError} and
 * {@code RelayLog} say what went wrong to the client and to the operator. They are public only because the resumable
 * relay builds on them; they are not API.
 * <p>
 * This package depends on no other package of the starter. Resumable replies plug in through
 * {@link io.echo.llm.web.RelayResumption}, implemented in {@code io.echo.llm.web.resume}.
 */
@NullMarked
package io.echo.llm.web;

import org.jspecify.annotations.NullMarked;
