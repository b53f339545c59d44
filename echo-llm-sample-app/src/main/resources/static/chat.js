'use strict';

/*
 * The echo-llm chat page: plain JavaScript, no build step.
 *
 * POST /api/chat answers with server-sent events (token, reasoning, tool_call, usage, error, done). EventSource
 * cannot POST, so the response body is read with fetch and parsed here, following the event-stream rules of the
 * HTML standard.
 *
 * Replies are resumable (echo.llm.relay.resumable=true): the first event, "stream", names the reply's stream and
 * every event has the SSE id "<streamId>:<sequence>". The page keeps the conversation, the active stream and the
 * last id it showed in sessionStorage, so that after a reload, or when the connection drops mid-reply, it asks
 * GET /api/chat/streams/{id} with the standard Last-Event-ID header for what came after, and the reply continues
 * with no token missing and none twice. Stop sends DELETE /api/chat/streams/{id}, which cancels the provider call
 * whichever server instance runs it.
 */
(() => {
  const $ = (id) => document.getElementById(id);
  const conversation = $('conversation');
  const form = $('composer');
  const prompt = $('prompt');
  const sendButton = $('send');
  const stopButton = $('stop');
  const modelInput = $('model');

  /** Messages sent with each request: the whole conversation so far. */
  let history = [];

  /** The reply being streamed, or null. */
  let active = null;

  const STORAGE_KEY = 'echo-llm.chat';

  /** Tries to continue a reply whose connection dropped, before giving up. */
  const RESUME_ATTEMPTS = 5;

  /** Remembers the conversation and where the active reply stands, for a reload. */
  function save() {
    const reply = active && !active.finished && active.streamId ? active : null;
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
        history,
        active: reply && {
          streamId: reply.streamId, lastEventId: reply.lastEventId, text: reply.text, reasoning: reply.reasoningText,
        },
      }));
    } catch {
      // Storage full or disabled: the page still works, it only cannot resume after a reload.
    }
  }

  let saveQueued = false;

  /**
   * save() at most every 100 ms while tokens stream, rather than writing the whole conversation once per token. A
   * slightly older save is still consistent (text and last id together): a resume from it replays the rest.
   */
  function saveSoon() {
    if (!saveQueued) {
      saveQueued = true;
      setTimeout(() => {
        saveQueued = false;
        save();
      }, 100);
    }
  }

  // A reload or a closed tab: what is on the page now is what the next page resumes from.
  window.addEventListener('pagehide', save);

  // ---- Server-sent events over fetch -------------------------------------------------------------------------

  /**
   * Reads a text/event-stream body and calls onEvent({event, data, id}) for each event, as the HTML standard's
   * parser does: lines end in CRLF, LF or CR; "data" lines join with LF; "id" persists until changed; comments and
   * unknown fields are ignored. Resolves when the body ends; rejects when reading fails (an abort included).
   */
  async function readEventStream(body, onEvent, lastEventId = '') {
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
  function streamChat(request, reply) {
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
  function resumeChat(reply) {
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

  // ---- One assistant reply -----------------------------------------------------------------------------------

  const HINTS = {
    429: 'The provider is limiting requests. Wait a moment and try again.',
    401: 'The provider rejected the API key. Check ECHO_LLM_API_KEY.',
    404: 'The provider does not know this model or URL. Check ECHO_LLM_MODEL and ECHO_LLM_BASE_URL.',
    idle_timeout: 'The provider stopped sending in the middle of the reply.',
    first_chunk_timeout: 'The provider did not start answering in time.',
  };

  function element(tag, className, parent) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (parent) {
      parent.append(node);
    }
    return node;
  }

  class Reply {
    constructor() {
      this.controller = new AbortController();
      this.node = element('article', 'message assistant');
      this.node.dataset.state = 'streaming';
      this.reasoningBlock = null;
      this.reasoningNode = null;
      this.tools = new Map();
      this.content = element('div', 'content', this.node);
      this.stats = element('div', 'stats', this.node);
      this.stats.textContent = 'Waiting for the first token…';
      this.text = '';
      this.reasoningText = '';
      this.streamId = null;
      this.resumes = 0;
      this.lastEventId = '';
      this.sentAt = performance.now();
      this.firstAt = null;
      this.lastAt = null;
      this.pieces = 0;
      this.usage = null;
      this.finished = false;
      this.discarded = false;
    }

    /** One event of the stream; follow() has already recorded its id. */
    event({ event, data }) {
      let payload;
      try {
        payload = JSON.parse(data);
      } catch {
        return;
      }
      this.resumes = 0;
      switch (event) {
        case 'stream': this.streamId = payload.stream_id; break;
        case 'token': this.token(payload.text); break;
        case 'reasoning': this.reasoning(payload.text); break;
        case 'tool_call': this.toolCall(payload); break;
        case 'usage': this.usage = payload; break;
        case 'error': this.error(payload); break;
        case 'done':
          this.finish(payload.finish_reason === 'cancelled' ? 'stopped' : 'done', payload.finish_reason);
          break;
        default: break;
      }
      if (!this.finished) {
        saveSoon();
      }
    }

    /** Stops the reply: the server cancels the provider call, and the stream ends with a 'cancelled' done. */
    stop() {
      if (!this.streamId) {
        this.controller.abort();
        return;
      }
      fetch(`api/chat/streams/${encodeURIComponent(this.streamId)}`, { method: 'DELETE', keepalive: true })
        .catch(() => this.controller.abort());
      // Should the end not arrive, close the connection: the server cancels after its resume window.
      setTimeout(() => { if (!this.finished) this.controller.abort(); }, 3000);
    }

    arrived() {
      const now = performance.now();
      this.firstAt ??= now;
      this.lastAt = now;
      this.pieces += 1;
      if (this.pieces % 4 === 1) {
        this.stats.textContent = `first token ${seconds(this.firstAt - this.sentAt)} · streaming…`;
      }
    }

    token(text) {
      this.arrived();
      this.text += text;
      this.content.textContent = this.text;
      if (this.reasoningBlock && this.reasoningBlock.open && !this.reasoningBlock.dataset.touched) {
        this.reasoningBlock.open = false;
      }
      keepInView();
    }

    reasoning(text) {
      this.arrived();
      if (!this.reasoningBlock) {
        this.reasoningBlock = element('details', 'reasoning');
        this.reasoningBlock.open = true;
        const summary = element('summary', null, this.reasoningBlock);
        summary.textContent = 'Reasoning';
        summary.addEventListener('click', () => { this.reasoningBlock.dataset.touched = 'yes'; });
        this.reasoningNode = element('div', 'text', this.reasoningBlock);
        this.node.prepend(this.reasoningBlock);
      }
      this.reasoningText += text;
      this.reasoningNode.textContent = this.reasoningText;
      keepInView();
    }

    toolCall({ index = 0, id, name, arguments: args }) {
      this.arrived();
      let tool = this.tools.get(index);
      if (!tool) {
        const node = element('div', 'tool');
        this.content.before(node);
        const title = element('div', null, node);
        title.append('Tool call ');
        tool = { node, name: element('span', 'name', title), args: element('pre', null, node), text: '' };
        this.tools.set(index, tool);
      }
      if (name) {
        tool.name.textContent = name;
      }
      if (id) {
        tool.node.dataset.id = id;
      }
      tool.text += args || '';
      tool.args.textContent = tool.text;
      keepInView();
    }

    error({ status, code, message }) {
      const box = element('div', 'error', this.node);
      const hint = HINTS[code] || HINTS[status];
      const text = message || 'The request failed';
      const httpStatus = status && !text.includes(`HTTP ${status}`) ? `HTTP ${status}` : null;
      const detail = [httpStatus, code].filter(Boolean).join(', ');
      box.textContent = `${text}${detail ? ` (${detail})` : ''}.${hint ? ` ${hint}` : ''}`;
      this.stats.before(box);
      this.finish('error');
    }

    failed(failure, message) {
      if (failure && failure.name === 'AbortError') {
        this.finish('stopped');
        return;
      }
      this.error({ message });
    }

    /** The body ended: without a done or error event first, the reply is cut short. */
    ended() {
      if (!this.finished) {
        this.error({ message: 'The connection closed before the reply was complete' });
      }
    }

    finish(state, finishReason) {
      if (this.finished) {
        return;
      }
      this.finished = true;
      this.node.dataset.state = state;
      if (finishReason) {
        this.node.dataset.finishReason = finishReason;
      }
      this.stats.textContent = this.summary(state);
      if (this.text && !this.discarded) {
        history.push({ role: 'assistant', content: this.text });
      }
      if (active === this) {
        active = null;
        idle();
      }
      save();
    }

    summary(state) {
      const parts = [];
      if (this.firstAt !== null) {
        parts.push(`first token ${seconds(this.firstAt - this.sentAt)}`);
        const tokens = (this.usage && this.usage.completion_tokens) || this.pieces;
        const elapsed = (this.lastAt - this.firstAt) / 1000;
        if (elapsed > 0 && tokens > 1) {
          parts.push(`${(tokens / elapsed).toFixed(1)} tokens/s`);
        }
        parts.push(`${tokens} token${tokens === 1 ? '' : 's'}`);
      } else if (state === 'done') {
        parts.push('no tokens');
      }
      if (state === 'stopped') {
        parts.push('stopped');
      }
      return parts.join(' · ');
    }
  }

  function seconds(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  // ---- The page ----------------------------------------------------------------------------------------------

  /** Keeps the newest text in view unless the reader scrolled up. */
  function keepInView() {
    const distance = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight;
    if (distance < 120) {
      conversation.scrollTop = conversation.scrollHeight;
    }
  }

  function busy() {
    sendButton.hidden = true;
    stopButton.hidden = false;
  }

  function idle() {
    stopButton.hidden = true;
    sendButton.hidden = false;
    prompt.focus();
  }

  function send(text) {
    if (active || !text.trim()) {
      return;
    }
    $('intro')?.remove();
    const question = element('div', 'message user', conversation);
    question.textContent = text;
    history.push({ role: 'user', content: text });
    const request = { messages: history.slice() };
    if (modelInput.value.trim()) {
      request.model = modelInput.value.trim();
    }
    const reply = new Reply();
    conversation.append(reply.node);
    conversation.scrollTop = conversation.scrollHeight;
    active = reply;
    busy();
    save();
    streamChat(request, reply);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = prompt.value;
    prompt.value = '';
    resize();
    send(text);
  });

  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function resize() {
    prompt.style.height = 'auto';
    prompt.style.height = `${prompt.scrollHeight + 2}px`;
  }
  prompt.addEventListener('input', resize);

  stopButton.addEventListener('click', () => active?.stop());

  $('clear').addEventListener('click', () => {
    if (active) {
      active.discarded = true;
      active.stop();
      active.controller.abort();
    }
    history = [];
    conversation.replaceChildren();
    save();
    prompt.focus();
  });

  /** After a reload: shows the conversation again and continues the reply that was streaming. */
  function restore() {
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    } catch {
      saved = null;
    }
    if (!saved || !Array.isArray(saved.history) || saved.history.length === 0) {
      return;
    }
    $('intro')?.remove();
    history = saved.history;
    for (const message of history) {
      const node = element('div', message.role === 'user' ? 'message user' : 'message assistant', conversation);
      if (message.role === 'user') {
        node.textContent = message.content;
      } else {
        node.dataset.state = 'done';
        element('div', 'content', node).textContent = message.content;
      }
    }
    if (saved.active && saved.active.streamId) {
      const reply = new Reply();
      reply.streamId = saved.active.streamId;
      reply.lastEventId = saved.active.lastEventId;
      if (saved.active.reasoning) {
        reply.reasoning(saved.active.reasoning);
      }
      if (saved.active.text) {
        reply.token(saved.active.text);
      }
      conversation.append(reply.node);
      active = reply;
      busy();
      resumeChat(reply);
    }
    conversation.scrollTop = conversation.scrollHeight;
  }

  restore();

  document.querySelectorAll('.example').forEach((button) => {
    button.addEventListener('click', () => send(button.textContent));
  });

  prompt.focus();
})();
