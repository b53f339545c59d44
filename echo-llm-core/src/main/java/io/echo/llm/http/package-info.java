/**
 * Set-up of the HTTP clients the engine can stream over.
 */
@NullMarked
package io.echo.llm.http;

import org.jspecify.annotations.NullMarked;
