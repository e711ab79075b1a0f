import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { problemContentType, problemTypeFor } from './problem-details';

export interface DrainOutcome {
  /** Requests being answered when the drain began. */
  inFlightAtStart: number;
  /** Requests still unanswered at the bound, whose connections were cut. */
  cut: number;
}

/** Seconds a refused client should wait; another instance or this one restarted will answer. */
const shuttingDownRetryAfterSeconds = 1;

/**
 * Ends an HTTP server's work in a bounded time without losing an answer. Node's `server.close()`
 * only stops accepting connections: a client on a kept-alive connection could go on sending
 * commands, and they were written, for as long as it liked. Once `drain` starts:
 * - the listening socket closes, and idle kept-alive connections are closed at once;
 * - a request arriving on an open connection is answered 503 (nothing done) with
 *   `Connection: close`, so the client retries elsewhere;
 * - requests already in flight finish with their real answer, marked `Connection: close`, and
 *   each connection closes as soon as it has nothing left to answer;
 * - whatever is still running at the bound has its connection cut, and so has a connection
 *   that has not finished sending its request by the time nothing is left in flight.
 */
export class HttpDrain {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private settle: (() => void) | undefined;
  private server: Server | undefined;

  get isDraining(): boolean {
    return this.draining;
  }

  /** Express middleware; registered before every other, so a refused request costs nothing. */
  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (this.draining) {
      refuse(response);
      return;
    }
    this.inFlight.add(response);
    // 'close' comes once the answer is written or the connection is gone, whichever is first.
    response.once('close', () => this.finished(response));
    next();
  };

  async drain(server: Server, boundMs: number): Promise<DrainOutcome> {
    this.draining = true;
    this.server = server;
    const inFlightAtStart = this.inFlight.size;
    server.close();
    for (const response of this.inFlight) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    server.closeIdleConnections();
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.settle = resolve;
        timer = setTimeout(resolve, boundMs);
      });
      clearTimeout(timer);
    }
    const cut = this.inFlight.size;
    // Left now: requests cut at the bound, and connections still sending a request, which
    // would otherwise hold the server (and so the shutdown) open for as long as they like.
    server.closeAllConnections();
    return { inFlightAtStart, cut };
  }

  private finished(response: ServerResponse): void {
    this.inFlight.delete(response);
    if (!this.draining) return;
    // A connection whose answer began before the drain has no `Connection: close`; it is idle
    // now and would otherwise wait for the client's next request.
    this.server?.closeIdleConnections();
    if (this.inFlight.size === 0) this.settle?.();
  }
}

function refuse(response: ServerResponse): void {
  const body = JSON.stringify({
    type: problemTypeFor('HTTP.SHUTTING_DOWN'),
    title: 'This instance is shutting down',
    status: 503,
    detail:
      'The request was not processed and nothing was written. Send it again; another instance, ' +
      'or this one once restarted, will answer.',
  });
  response.writeHead(503, {
    'Content-Type': `${problemContentType}; charset=utf-8`,
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': String(shuttingDownRetryAfterSeconds),
    Connection: 'close',
  });
  response.end(body);
}
