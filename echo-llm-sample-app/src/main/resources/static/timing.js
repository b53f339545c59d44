/*
 * How fast a reply came, for its stats line on the echo-llm chat page (an ES module, so strict mode throughout).
 *
 * Only what this page saw arrive is timed: firstMs is the wait for the first piece after sending; the rate is
 * timedPieces over timedMs, counted between pieces that arrived live, one after the other. A reply restored after a
 * reload keeps what was timed before it.
 */

/**
 * A resumed stream first replays, in one burst, what the page missed: pieces whose real pace the page never saw.
 * Those arriving this soon after the first resumed piece are shown but not timed.
 */
const REPLAY_MS = 100;

export class Timing {
  constructor() {
    this.sentAt = performance.now();
    this.firstMs = null;
    this.pieces = 0;
    this.timedPieces = 0;
    this.timedMs = 0;
    this.lastAt = null;
    this.replayUntil = null;
    this.replaying = false;
  }

  /** What was timed, for sessionStorage. */
  snapshot() {
    return { firstMs: this.firstMs, pieces: this.pieces, timedPieces: this.timedPieces, timedMs: this.timedMs };
  }

  /** The timing a snapshot left. */
  static restore(saved) {
    const timing = new Timing();
    // What was timed before the reload still counts; the wait for the first piece cannot be measured any more.
    timing.sentAt = null;
    timing.firstMs = saved.firstMs ?? null;
    timing.pieces = saved.pieces || 0;
    timing.timedPieces = saved.timedPieces || 0;
    timing.timedMs = saved.timedMs || 0;
    return timing;
  }

  /** The stream is about to be asked again for what came after the last event: a new timing window. */
  resuming() {
    this.lastAt = null;
    this.replayUntil = null;
    this.replaying = true;
  }

  /** Counts a piece that just arrived; true when the streaming figures are due to be shown again. */
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
    return this.pieces % 4 === 1;
  }

  /** The figures while the reply streams. */
  streaming() {
    return [this.firstToken(), 'streaming…'].filter(Boolean).join(' · ');
  }

  firstToken() {
    return this.firstMs === null ? null : `first token ${seconds(this.firstMs)}`;
  }

  /** The figures once the reply ended in state, with the provider's usage if it sent one. */
  summary(state, usage) {
    const parts = [this.firstToken()];
    // Usage counts tokens, pieces are chunks: a provider may send several tokens in one.
    const tokens = (usage && usage.completion_tokens) || this.pieces;
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
