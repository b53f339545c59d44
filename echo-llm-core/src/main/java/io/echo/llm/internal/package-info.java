/**
 * Transport, timeouts, retry and chunk decoding behind {@link io.echo.llm.LlmStreamService}. Not API: anything here
 * may change in any release.
 */
@NullMarked
package io.echo.llm.internal;

import org.jspecify.annotations.NullMarked;
