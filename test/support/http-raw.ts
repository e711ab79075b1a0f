import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request through `agent` (keep-alive when the agent says so); rejects on a socket error. */
export function send(
  agent: Agent,
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: {
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(payload === undefined
            ? {}
            : {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }),
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/**
 * A request written by hand on a connection of its own, so a test can hold it half sent (the
 * headers and part of the body) for as long as it likes, then finish it or leave it.
 */
export interface HeldRequest {
  socket: Socket;
  /** Sends the rest of the body. */
  finish(): void;
  /** Everything the server wrote, once it closed the connection. */
  closed: Promise<string>;
}

export function holdRequest(
  port: number,
  method: string,
  path: string,
  token: string,
  body: unknown,
): HeldRequest {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
    // A reset is how a cut connection ends; what arrived before it still counts.
    socket.on('error', () => undefined);
  });
  const half = Math.floor(payload.length / 2);
  socket.write(
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` +
      `Connection: keep-alive\r\n\r\n`,
  );
  socket.write(payload.subarray(0, half));
  return { socket, finish: () => socket.write(payload.subarray(half)), closed };
}

/** The status code and headers of a raw HTTP/1.1 answer. */
export function parseRawAnswer(raw: string): { status: number; headers: Record<string, string> } {
  const [head = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}
