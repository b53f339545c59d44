/*
 * One assistant reply on the echo-llm chat page (an ES module, so strict mode throughout).
 *
 * A Reply turns the events of its stream (stream, token, reasoning, tool_call, usage, error, done) into what the
 * page shows: text, reasoning, tool calls, errors and a stats line (timing.js). It keeps every part and where its
 * stream stands (the stream id and the last event id shown), so that snapshot() and Reply.restore() can rebuild it
 * after a reload exactly as it looked. Stop sends DELETE /api/chat/streams/{id}, which cancels the provider call
 * whichever server instance runs it.
 *
 * A reply knows nothing of the page around it but what the page passes in (see Page below).
 */
import { Timing } from './timing.js';

/**
 * What a reply needs from the page that shows it.
 *
 * @typedef {object} Page
 * @property {(change?: () => void) => void} keepInView keeps the newest text in view; a change that may add more
 *     than a line is passed in, so that where the reader was is judged before it
 * @property {() => void} saveSoon the reply changed: save the conversation shortly
 * @property {(reply: Reply) => void} finished the reply ended, whatever way: add it to the history, free the page for
 *     the next question and save
 */

const HINTS = {
  429: 'The provider is limiting requests. Wait a moment and try again.',
  401: 'The provider rejected the API key. Check ECHO_LLM_API_KEY.',
  404: 'The provider does not know this model or URL. Check ECHO_LLM_MODEL and ECHO_LLM_BASE_URL.',
  idle_timeout: 'The provider stopped sending in the middle of the reply.',
  first_chunk_timeout: 'The provider did not start answering in time.',
};

/** A new element with an optional class, appended to parent when there is one. */
export function element(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (parent) {
    parent.append(node);
  }
  return node;
}

export class Reply {
  /** @param {Page} page */
  constructor(page) {
    this.page = page;
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
    this.timing = new Timing();
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
      timing: this.timing.snapshot(),
    };
  }

  /**
   * A reply as a snapshot left it, built with the same parts as when it streamed, so it looks the same.
   *
   * @param {Page} page
   */
  static restore(saved, page) {
    const reply = new Reply(page);
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
    reply.timing = Timing.restore(saved.timing || {});
    reply.finished = reply.node.dataset.state !== 'streaming';
    return reply;
  }

  /** One event of the stream; follow() in sse.js has already recorded its id. */
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
      this.page.saveSoon();
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
    this.timing.resuming();
  }

  arrived() {
    if (this.timing.arrived()) {
      this.stats.textContent = this.timing.streaming();
    }
  }

  token(text) {
    this.arrived();
    if (this.reasoningBlock && this.reasoningBlock.open && !this.reasoningBlock.dataset.touched) {
      this.reasoningBlock.open = false;
    }
    this.showText(this.text + text);
    this.page.keepInView();
  }

  showText(text) {
    this.text = text;
    this.content.textContent = text;
  }

  reasoning(text) {
    this.arrived();
    this.showReasoning(text);
    this.page.keepInView();
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
    this.page.keepInView();
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
    this.page.keepInView(() => this.showError(`${text}${detail ? ` (${detail})` : ''}.${hint ? ` ${hint}` : ''}`));
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
    this.page.keepInView(() => { this.stats.textContent = this.timing.summary(state, this.usage); });
    this.page.finished(this);
  }
}
