/**
 * Resumable replies: {@link io.echo.llm.web.resume.ResumableRelay} (the {@link io.echo.llm.web.RelayResumption} of an
 * {@link io.echo.llm.web.LlmSseRelay}) keeps each browser reply's events in an
 * {@link io.echo.llm.web.resume.LlmStreamStore} so that a client that lost its connection picks up where it was, on
 * any instance sharing the store; {@link io.echo.llm.web.resume.LlmStreamController} serves the resume and stop
 * endpoints. The store SPI, its exceptions and the single-instance
 * {@link io.echo.llm.web.resume.InMemoryLlmStreamStore} live here; the Redis store is in
 * {@code io.echo.llm.web.resume.redis}.
 * <p>
 * Depends on {@code io.echo.llm.web}, never the other way round.
 */
@NullMarked
package io.echo.llm.web.resume;

import org.jspecify.annotations.NullMarked;
