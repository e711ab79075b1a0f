import type { ServerResponse } from 'node:http';
import type { LiveItem } from '../application/feed-reader';

export interface EventStreamTiming {
  /** A comment line this often while nothing else is sent, so proxies keep the stream open. */
  readonly heartbeatMs: number;
  /** How long a client may leave the socket's buffer full before it is dropped. */
  readonly slowClientMs: number;
}

/** How long a dropped client's socket stays open for it to read the final event. */
const droppedSocketGraceMs = 30_000;

/** Why a stream ended on the server's side, sent as the final `dropped` event's reason. */
export type StreamEnd = 'slow-client' | 'shutting-down';

/**
 * One Server-Sent Events stream: each event as `id: <position>` and `data: <JSON>`, heartbeats
 * as comments (carrying, as `id`, a position the filters passed without sending anything, so a
 * reconnect does not scan it again), and back-pressure: the next event is read from the log only
 * once the socket took the last one, and a client that leaves the buffer full for `slowClientMs`
 * is dropped with a final `dropped` event naming the position to resume after. Nothing is ever
 * buffered for a client beyond the socket's own high-water mark and one event.
 */
export class EventStream {
  private lastId: string | undefined;
  private passed: string | undefined;
  private ended = false;
  private waitingForDrain = false;
  private heartbeat: NodeJS.Timeout | undefined;
  readonly abort = new AbortController();

  constructor(
    private readonly response: ServerResponse,
    private readonly timing: EventStreamTiming,
    after: string | undefined,
  ) {
    this.lastId = after;
    response.once('close', () => this.finish());
  }

  /** Sends the headers and a first comment, then events until the client or the server ends it. */
  async run(
    items: AsyncIterable<LiveItem>,
    render: (item: LiveItem & { kind: 'event' }) => string,
  ): Promise<void> {
    this.response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    this.response.write(': sunlight event feed\nretry: 2000\n\n');
    this.heartbeat = setInterval(() => this.beat(), this.timing.heartbeatMs);
    try {
      for await (const item of items) {
        if (this.ended) break;
        if (item.kind === 'passed') {
          this.passed = item.position;
          continue;
        }
        this.passed = undefined;
        const sent = await this.send(
          `id: ${item.event.position}\ndata: ${render(item)}\n\n`,
          item.event.position,
        );
        if (!sent) break;
      }
    } finally {
      this.finish();
    }
  }

  /** Ends the stream with a final event saying where to resume (a slow client, a shutdown). */
  drop(reason: StreamEnd): void {
    if (this.ended) return;
    const resumeAfter = this.passed ?? this.lastId ?? null;
    this.response.write(`event: dropped\ndata: ${JSON.stringify({ reason, resumeAfter })}\n\n`);
    this.response.end();
    // A client that reads again gets that event after what was queued; one that never does
    // never takes even that, and its socket goes after a while.
    setTimeout(
      () => this.response.destroy(),
      Math.max(droppedSocketGraceMs, this.timing.slowClientMs),
    ).unref();
    this.finish();
  }

  private beat(): void {
    if (this.ended || this.waitingForDrain) return;
    const id = this.passed === undefined ? '' : `id: ${this.passed}\n`;
    if (this.passed !== undefined) this.lastId = this.passed;
    this.passed = undefined;
    this.response.write(`: heartbeat\n${id}\n`);
  }

  /**
   * Writes an event's block; false when the stream ended (client gone, or dropped as too slow).
   * The block is queued even when the buffer is full, so it counts as sent: a dropped client
   * resumes after it.
   */
  private async send(block: string, position: string): Promise<boolean> {
    if (this.ended) return false;
    const flowing = this.response.write(block);
    this.lastId = position;
    if (flowing) return true;
    this.waitingForDrain = true;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), this.timing.slowClientMs);
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.response.off('drain', onDrain);
        this.response.off('close', onClose);
        resolve(value);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      this.response.on('drain', onDrain);
      this.response.on('close', onClose);
    });
    this.waitingForDrain = false;
    if (!drained) this.drop('slow-client');
    return drained && !this.ended;
  }

  private finish(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (!this.ended) {
      this.ended = true;
      if (!this.response.writableEnded) this.response.end();
    }
    this.abort.abort();
  }
}
