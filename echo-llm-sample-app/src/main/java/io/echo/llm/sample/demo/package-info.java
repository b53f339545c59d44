/**
 * The embedded demo provider: an OpenAI-compatible server with scripted answers, used when no
 * {@code echo.llm.base-url} is set.
 */
@NullMarked
package io.echo.llm.sample.demo;

import org.jspecify.annotations.NullMarked;
