/*
 * The echo-llm chat page: plain JavaScript, no build step. index.html loads this ES module (so strict mode
 * throughout); it imports the replies (reply.js, with their timing in timing.js) and the server-sent events over
 * fetch (sse.js).
 *
 * This module owns the page: sending a question, Stop and New chat, and the conversation in sessionStorage. The page
 * keeps each reply with all its parts (text, reasoning, tool calls, errors, stats) and the active reply with its
 * stream and the last id it showed, so that after a reload every reply looks as it did, and the active one, or one
 * whose connection dropped, asks the server for what came after: it continues with no token missing and none twice.
 */
import { Reply, element } from './reply.js';
import { resumeChat, streamChat } from './sse.js';

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

/** A reply that ended, whatever way: its text joins the history unless New chat discarded it. */
function finished(reply) {
  if (reply.text && !reply.discarded) {
    history.push({ role: 'assistant', content: reply.text });
  }
  if (active === reply) {
    active = null;
    idle();
  }
  save();
}

/** What every reply is given of this page (the Page of reply.js). */
const page = { keepInView, saveSoon, finished };

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
  const reply = new Reply(page);
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
    const reply = Reply.restore(turn.reply, page);
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
