/**
 * Relay of a streamed chat completion to a browser or an OpenAI SDK over Spring MVC's
 * {@link org.springframework.web.servlet.mvc.method.annotation.SseEmitter}: {@link io.echo.llm.web.LlmSseRelay}.
 */
@NullMarked
package io.echo.llm.web;

import org.jspecify.annotations.NullMarked;
