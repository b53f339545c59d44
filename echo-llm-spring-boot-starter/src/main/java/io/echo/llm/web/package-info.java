/**
 * Relay of a streamed chat completion to a browser or an OpenAI SDK over Spring MVC's
 * {@link org.springframework.web.servlet.mvc.method.annotation.SseEmitter}: {@link io.echo.llm.web.LlmSseRelay}.
 * <p>
 * Resumable replies keep their events in an {@link io.echo.llm.web.LlmStreamStore} (in memory, or in Redis for several
 * instances) and are resumed and stopped through {@link io.echo.llm.web.LlmStreamController}.
 */
@NullMarked
package io.echo.llm.web;

import org.jspecify.annotations.NullMarked;
