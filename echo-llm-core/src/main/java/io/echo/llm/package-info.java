/**
 * The API a user writes against: {@link io.echo.llm.LlmStreamService} (and its builder),
 * {@link io.echo.llm.ChatCompletionStream}, {@link io.echo.llm.LlmCancellation}, {@link io.echo.llm.LlmClientSettings},
 * {@link io.echo.llm.LlmCallListener} and the {@link io.echo.llm.LlmException} family.
 * <p>
 * Depends on {@code chat} (the records a call takes and returns) and {@code sse}; never on {@code internal}: the
 * engine there implements these types, and {@code LlmStreamService.builder()} finds it by name so that the two
 * packages do not form a cycle.
 */
@NullMarked
package io.echo.llm;

import org.jspecify.annotations.NullMarked;
