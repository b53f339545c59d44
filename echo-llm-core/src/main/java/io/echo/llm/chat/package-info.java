/**
 * The OpenAI chat-completions wire format: the request, response and chunk records (Jackson 3, with unknown provider
 * fields kept in {@code extra} and written back unchanged), {@link io.echo.llm.chat.ChatJson} and
 * {@link io.echo.llm.chat.ChatCompletionAccumulator}. Depends on no other echo-llm package; usable without the engine.
 */
@NullMarked
package io.echo.llm.chat;

import org.jspecify.annotations.NullMarked;
