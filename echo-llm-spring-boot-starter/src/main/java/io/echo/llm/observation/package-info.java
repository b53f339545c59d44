/**
 * Micrometer observations of LLM calls, named and tagged after the OpenTelemetry GenAI conventions:
 * {@link io.echo.llm.observation.ObservationLlmCallListener}. Only this package needs Micrometer.
 */
@NullMarked
package io.echo.llm.observation;

import org.jspecify.annotations.NullMarked;
