/*
 * Server-sent events over fetch, for the echo-llm chat page (an ES module, so strict mode throughout).
 *
 * POST /api/chat answers with server-sent events (token, reasoning, tool_call, usage, error, done). EventSource
 * cannot POST, so the response body is read with fetch and parsed here, following the event-stream rules of the
 * HTML standard.
 *
 * Replies are resumable (echo.llm.relay.resumable=true): every event has the SSE id "<streamId>:<sequence>", and a
 * reply whose connection dropped asks GET /api/chat/streams/{id} with the standard Last-Event-ID header for what came
 * after. This module owns the requests and the resuming; what an event means is the reply's job (reply.js). It takes
 * any reply with: controller (an AbortController), streamId, lastEventId, resumes, and event(), resuming(), ended(),
 * error() and failed().
 */

/** Tries to continue a reply whose connection dropped, before giving up. */
const RESUME_ATTEMPTS = 5;

/**
 * Reads a text/event-stream body and calls onEvent({event, data, id}) for each event, as the HTML standard's
 * parser does: lines end in CRLF, LF or CR; "data" lines join with LF; "id" persists until changed; comments and
 * unknown fields are ignored. Resolves when the body ends; rejects when reading fails (an abort included).
 */
export async function readEventStream(body, onEvent, lastEventId = '') {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = '';
  let data = [];
  let id = lastEventId;
  const line = (text) => {
    if (text === '') {
      if (data.length > 0) {
        onEvent({ event: event || 'message', data: data.join('\n'), id });
      }
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) {
      return;
    }
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    } else if (field === 'id' && !value.includes('\0')) {
      id = value;
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return id;
    }
    buffer += value;
    // A CR at the very end may be the first half of a CRLF: keep it until more arrives.
    const lines = buffer.split(/\r\n|\r(?!$)|\n/);
    buffer = lines.pop();
    lines.forEach(line);
  }
}

/** Starts a reply: POST /api/chat with the conversation so far. */
export function streamChat(request, reply) {
  // Relative, so that the page also works under a servlet context path.
  return follow(reply, 'api/chat', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
}

/**
 * Reads an event stream into reply until it ends, whatever way. A resumed stream is the same call with a GET of
 * the stream's URL and a 'Last-Event-ID': reply.lastEventId header.
 */
async function follow(reply, url, init) {
  let response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { Accept: 'text/event-stream', ...init.headers },
      signal: reply.controller.signal,
    });
  } catch (failure) {
    reply.failed(failure, 'Could not reach the server. Is it running?');
    return;
  }
  if (!response.ok) {
    reply.error(await errorOf(response));
    return;
  }
  try {
    reply.lastEventId = await readEventStream(response.body, (event) => {
      reply.lastEventId = event.id;
      reply.event(event);
    }, reply.lastEventId);
    reply.ended();
  } catch (failure) {
    if (failure && failure.name !== 'AbortError' && reply.streamId && reply.resumes < RESUME_ATTEMPTS) {
      reply.resumes += 1;
      await new Promise((resolve) => setTimeout(resolve, 300 * reply.resumes));
      resumeChat(reply);
      return;
    }
    reply.failed(failure, 'The connection to the server was lost.');
  }
}

/** Asks for the events after the last one the reply shows, then follows the reply live. */
export function resumeChat(reply) {
  reply.resuming();
  return follow(reply, `api/chat/streams/${encodeURIComponent(reply.streamId)}`, {
    headers: { 'Last-Event-ID': reply.lastEventId },
  });
}

/** The error a non-2xx response describes: {"error": {"message", "code"}} or plain text. */
async function errorOf(response) {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text);
    const error = parsed.error || parsed;
    return { status: response.status, code: error.code, message: error.message || text };
  } catch {
    return { status: response.status, message: text || response.statusText };
  }
}
