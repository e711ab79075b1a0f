// Proves on a plain HTTP server that a drain closes idle kept-alive connections at once and refuses new connections, lets a request in flight finish with its own answer and `Connection: close`, answers a request that reaches an open connection after the drain began with 503 without running it, and cuts what is still running at the bound.
import { Agent, createServer, get as httpGet, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { HttpDrain } from './http-drain';

interface Harness {
  server: Server;
  drain: HttpDrain;
  port: number;
  /** Paths the handler ran for, in order. */
  handled: string[];
  /** `/slow` requests wait here until the test answers them. */
  slow: ServerResponse[];
}

async function harness(): Promise<Harness> {
  const drain = new HttpDrain();
  const handled: string[] = [];
  const slow: ServerResponse[] = [];
  const server = createServer((request, response) =>
    drain.middleware(request, response, () => {
      handled.push(request.url ?? '');
      if (request.url?.startsWith('/slow')) {
        if (request.url === '/slow-flushed') response.flushHeaders();
        slow.push(response);
        return;
      }
      response.end('done');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, drain, port: (server.address() as AddressInfo).port, handled, slow };
}

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** A raw connection, so a test can pipeline requests and read exactly what came back. */
function rawConnection(port: number): {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
} {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received: () => received, closed };
}

async function until(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !check(); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('HttpDrain', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => {
    h.server.closeAllConnections();
    h.server.close();
  });

  it('given an idle kept-alive connection, when the drain starts, then it is closed at once and new connections are refused', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const freed = new Promise<Socket>((resolve) => agent.once('free', resolve));
    expect(await get(h.port, '/fast', agent)).toEqual({ status: 200, body: 'done' });
    const idle = await freed;
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));

    const outcome = await h.drain.drain(h.server, 60_000);

    await idleClosed;
    expect(outcome).toEqual({ inFlightAtStart: 0, cut: 0 });
    await expect(get(h.port, '/fast', new Agent())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('given a request in flight, when the drain starts, then it finishes with its own answer and Connection: close, and the drain ends with it', async () => {
    const connection = rawConnection(h.port);
    connection.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => h.slow.length === 1);

    const drained = h.drain.drain(h.server, 60_000);
    h.slow[0]!.end('slow answer');

    expect(await drained).toEqual({ inFlightAtStart: 1, cut: 0 });
    await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(connection.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(connection.received()).toMatch(/slow answer$/);
  });

  it('given a request whose headers were still arriving when the drain began, when it is read while another finishes, then it gets 503 and is not run', async () => {
    const busy = rawConnection(h.port);
    busy.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => h.slow.length === 1);
    const connection = rawConnection(h.port);
    connection.socket.write('GET /fast-after-drain HTTP/1.1\r\nHo');
    // A connection with a request half read is not idle, so the drain leaves it open.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const drained = h.drain.drain(h.server, 60_000);
    connection.socket.write('st: x\r\n\r\n');
    await connection.closed;
    h.slow[0]!.end('slow answer');

    expect(await drained).toEqual({ inFlightAtStart: 1, cut: 0 });
    expect(connection.received()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(connection.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(connection.received()).toMatch(/\r\nRetry-After: 1\r\n/i);
    expect(connection.received()).toContain(
      '"type":"https://sunlight.example/problems/http/shutting-down"',
    );
    expect(h.handled).toEqual(['/slow']);
  });

  it('given a connection that has not finished sending its request when nothing is left in flight, when the drain ends, then it is closed', async () => {
    const connection = rawConnection(h.port);
    connection.socket.write('GET /never-finished HTTP/1.1\r\nHo');
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(await h.drain.drain(h.server, 60_000)).toEqual({ inFlightAtStart: 0, cut: 0 });

    await connection.closed;
    expect(connection.received()).toBe('');
  });

  it('given a request still running at the bound, when the drain ends, then its connection is cut and counted', async () => {
    const connection = rawConnection(h.port);
    connection.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => h.slow.length === 1);

    expect(await h.drain.drain(h.server, 50)).toEqual({ inFlightAtStart: 1, cut: 1 });
    await connection.closed;
    expect(connection.received()).toBe('');
  });
});
