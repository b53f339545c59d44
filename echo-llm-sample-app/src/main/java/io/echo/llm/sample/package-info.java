/**
 * The echo-llm sample application: a chat page, its browser stream and an OpenAI-compatible relay.
 */
@NullMarked
package io.echo.llm.sample;

import org.jspecify.annotations.NullMarked;
