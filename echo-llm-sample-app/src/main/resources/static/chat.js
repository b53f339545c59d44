'use strict';

/*
 * The echo-llm chat page: plain JavaScript, no build step.
 *
 * POST /api/chat answers with server-sent events (token, reasoning, tool_call, usage, error, done). EventSource
 * cannot POST, so the response body is read with fetch and parsed here, following the event-stream rules of the
 * HTML standard.
 *
 * Replies are resumable (echo.llm.relay.resumable=true): the first event, "stream", names the reply's stream and
 * every event has the SSE id "<streamId>:<sequence>". The page keeps the conversation in sessionStorage, each reply
 * with all its parts (text, reasoning, tool calls, errors, stats) and the active reply with its stream and the last
 * id it showed, so that after a reload every reply looks as it did, and the active one, or one whose connection
 * dropped, asks GET /api/chat/streams/{id} with the standard Last-Event-ID header for what came after: it continues
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

  /** What the page shows, in order: {role: 'user', content} for a question, a Reply for an answer. */
  let turns = [];

  /** The reply being streamed, or null. */
  let active = null;

  const STORAGE_KEY = 'echo-llm.chat';

  /** Tries to continue a reply whose connection dropped, before giving up. */
  const RESUME_ATTEMPTS = 5;

  /**
   * Remembers the conversation for a reload: the messages for the next request, and each turn as it is shown,
   * the active reply with where its stream stands.
   */
  function save() {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
        history,
        turns: turns.map((turn) => (turn instanceof Reply ? { role: 'assistant', reply: turn.snapshot() } : turn)),
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

  /**
   * A resumed stream first replays, in one burst, what the page missed: pieces whose real pace the page never saw.
   * Those arriving this soon after the first resumed piece are shown but not timed.
   */
  const REPLAY_MS = 100;

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
      this.errors = [];
      this.streamId = null;
      this.resumes = 0;
      this.lastEventId = '';
      this.usage = null;
      this.finished = false;
      this.discarded = false;
      // Timing: only what this page saw arrive. firstMs is the wait for the first piece after sending; the rate
      // is timedPieces over timedMs, counted between pieces that arrived live, one after the other.
      this.sentAt = performance.now();
      this.firstMs = null;
      this.pieces = 0;
      this.timedPieces = 0;
      this.timedMs = 0;
      this.lastAt = null;
      this.replayUntil = null;
      this.replaying = false;
    }

    /** Everything the reply shows and where its stream stands, for sessionStorage. */
    snapshot() {
      return {
        state: this.node.dataset.state,
        finishReason: this.node.dataset.finishReason,
        text: this.text,
        reasoning: this.reasoningText,
        reasoningOpen: this.reasoningBlock ? this.reasoningBlock.open : null,
        reasoningTouched: Boolean(this.reasoningBlock && this.reasoningBlock.dataset.touched),
        tools: [...this.tools].map(([index, tool]) => ({ index, id: tool.node.dataset.id, name: tool.name.textContent,
          args: tool.text })),
        errors: this.errors,
        stats: this.stats.textContent,
        streamId: this.finished ? null : this.streamId,
        lastEventId: this.lastEventId,
        usage: this.usage,
        timing: { firstMs: this.firstMs, pieces: this.pieces, timedPieces: this.timedPieces, timedMs: this.timedMs },
      };
    }

    /** A reply as a snapshot left it, built with the same parts as when it streamed, so it looks the same. */
    static restore(saved) {
      const reply = new Reply();
      if (saved.reasoning) {
        reply.showReasoning(saved.reasoning);
        reply.reasoningBlock.open = Boolean(saved.reasoningOpen);
        if (saved.reasoningTouched) {
          reply.reasoningBlock.dataset.touched = 'yes';
        }
      }
      (saved.tools || []).forEach((tool) => reply.showToolCall({ ...tool, arguments: tool.args }));
      reply.showText(saved.text || '');
      (saved.errors || []).forEach((message) => reply.showError(message));
      reply.node.dataset.state = saved.state || 'done';
      if (saved.finishReason) {
        reply.node.dataset.finishReason = saved.finishReason;
      }
      reply.stats.textContent = saved.stats || '';
      reply.streamId = saved.streamId || null;
      reply.lastEventId = saved.lastEventId || '';
      reply.usage = saved.usage || null;
      // What was timed before the reload still counts; the wait for the first piece cannot be measured any more.
      const timing = saved.timing || {};
      reply.sentAt = null;
      reply.firstMs = timing.firstMs ?? null;
      reply.pieces = timing.pieces || 0;
      reply.timedPieces = timing.timedPieces || 0;
      reply.timedMs = timing.timedMs || 0;
      reply.finished = reply.node.dataset.state !== 'streaming';
      return reply;
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

    /** The stream is about to be asked again for what came after the last event: a new timing window. */
    resuming() {
      this.lastAt = null;
      this.replayUntil = null;
      this.replaying = true;
    }

    arrived() {
      const now = performance.now();
      this.pieces += 1;
      if (this.firstMs === null && this.sentAt !== null) {
        this.firstMs = now - this.sentAt;
      }
      this.replayUntil ??= this.replaying ? now + REPLAY_MS : now;
      if (this.lastAt !== null && now > this.replayUntil) {
        this.timedPieces += 1;
        this.timedMs += now - this.lastAt;
      }
      this.lastAt = now;
      if (this.pieces % 4 === 1) {
        this.stats.textContent = [this.firstToken(), 'streaming…'].filter(Boolean).join(' · ');
      }
    }

    token(text) {
      this.arrived();
      if (this.reasoningBlock && this.reasoningBlock.open && !this.reasoningBlock.dataset.touched) {
        this.reasoningBlock.open = false;
      }
      this.showText(this.text + text);
      keepInView();
    }

    showText(text) {
      this.text = text;
      this.content.textContent = text;
    }

    reasoning(text) {
      this.arrived();
      this.showReasoning(text);
      keepInView();
    }

    showReasoning(text) {
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
    }

    toolCall(delta) {
      this.arrived();
      this.showToolCall(delta);
      keepInView();
    }

    /** A piece of a tool call: the first one of an index names the function, the others add to its arguments. */
    showToolCall({ index = 0, id, name, arguments: args }) {
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
    }

    error({ status, code, message }) {
      const hint = HINTS[code] || HINTS[status];
      const text = message || 'The request failed';
      const httpStatus = status && !text.includes(`HTTP ${status}`) ? `HTTP ${status}` : null;
      const detail = [httpStatus, code].filter(Boolean).join(', ');
      keepInView(() => this.showError(`${text}${detail ? ` (${detail})` : ''}.${hint ? ` ${hint}` : ''}`));
      this.finish('error');
    }

    showError(message) {
      this.errors.push(message);
      const box = element('div', 'error');
      box.textContent = message;
      this.stats.before(box);
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
      // The summary may take a line more than the streaming figures did.
      keepInView(() => { this.stats.textContent = this.summary(state); });
      if (this.text && !this.discarded) {
        history.push({ role: 'assistant', content: this.text });
      }
      if (active === this) {
        active = null;
        idle();
      }
      save();
    }

    firstToken() {
      return this.firstMs === null ? null : `first token ${seconds(this.firstMs)}`;
    }

    summary(state) {
      const parts = [this.firstToken()];
      // Usage counts tokens, pieces are chunks: a provider may send several tokens in one.
      const tokens = (this.usage && this.usage.completion_tokens) || this.pieces;
      if (this.timedPieces > 0 && this.timedMs > 0) {
        const rate = (this.timedPieces / (this.timedMs / 1000)) * (this.pieces > 0 ? tokens / this.pieces : 1);
        parts.push(`${rate.toFixed(1)} tokens/s`);
      }
      if (this.pieces > 0) {
        parts.push(`${tokens} token${tokens === 1 ? '' : 's'}`);
      } else if (state === 'done') {
        parts.push('no tokens');
      }
      if (state === 'stopped') {
        parts.push('stopped');
      }
      return parts.filter(Boolean).join(' · ');
    }
  }

  function seconds(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  // ---- The page ----------------------------------------------------------------------------------------------

  /**
   * Keeps the newest text in view unless the reader scrolled up. A change that can add more than a line (an error
   * box) is passed in, so that where the reader was is judged before it.
   */
  function keepInView(change) {
    const distance = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight;
    change?.();
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
    turns.push({ role: 'user', content: text });
    const request = { messages: history.slice() };
    if (modelInput.value.trim()) {
      request.model = modelInput.value.trim();
    }
    const reply = new Reply();
    conversation.append(reply.node);
    turns.push(reply);
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
    turns = [];
    conversation.replaceChildren();
    save();
    prompt.focus();
  });

  /** After a reload: shows every turn again as it was, and continues the reply that was streaming. */
  function restore() {
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    } catch {
      saved = null;
    }
    if (!saved || !Array.isArray(saved.history) || !Array.isArray(saved.turns) || saved.turns.length === 0) {
      return;
    }
    $('intro')?.remove();
    history = saved.history;
    for (const turn of saved.turns) {
      if (turn.role === 'user') {
        element('div', 'message user', conversation).textContent = turn.content;
        turns.push(turn);
        continue;
      }
      const reply = Reply.restore(turn.reply);
      conversation.append(reply.node);
      turns.push(reply);
      if (!reply.finished && reply.streamId) {
        active = reply;
        busy();
        resumeChat(reply);
      } else if (!reply.finished) {
        // Reloaded before the server named the reply's stream: there is nothing to resume.
        reply.error({ message: 'The page was reloaded before the reply started; send the question again' });
      }
    }
    conversation.scrollTop = conversation.scrollHeight;
  }

  restore();

  document.querySelectorAll('.example').forEach((button) => {
    button.addEventListener('click', () => send(button.textContent));
  });

  prompt.focus();
})();
