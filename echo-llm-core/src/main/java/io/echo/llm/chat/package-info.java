/** OpenAI chat-completions wire types (Jackson 3) and {@link io.echo.llm.chat.ChatCompletionAccumulator}. */
@NullMarked
package io.echo.llm.chat;

import org.jspecify.annotations.NullMarked;
