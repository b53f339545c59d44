/** Client for OpenAI-compatible chat completions: {@link io.echo.llm.LlmStreamService} and its errors. */
@NullMarked
package io.echo.llm;

import org.jspecify.annotations.NullMarked;
