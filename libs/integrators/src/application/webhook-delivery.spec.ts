// Proves one webhook delivery against a real local receiver: signed as Standard Webhooks says (checked by the standardwebhooks package's own verifier, with either of two overlapping secrets), a 2xx delivered and every other answer — a redirect (not followed), 4xx, 5xx, no answer in time, a 50 MB body (not read to the end) — a failed attempt saying why and never a throw; and the SSRF guard: https only, no credentials, no loopback, private, link-local or reserved address (also when a name resolves to one at delivery time) unless the allow-list names the host.
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  deliverWebhook,
  isForbiddenAddress,
  webhookUrlProblem,
  type DeliveryOptions,
} from './webhook-delivery';

const secret = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`;
const nextSecret = `whsec_${Buffer.from('b'.repeat(32)).toString('base64')}`;

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  path: string;
}

describe('deliverWebhook', () => {
  let server: http.Server;
  let base: string;
  const received: Received[] = [];
  let answer: (request: IncomingMessage, response: ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body, path: request.url ?? '' });
        answer(request, response);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
  });

  beforeEach(() => {
    received.length = 0;
    answer = (_request, response) => response.writeHead(204).end();
  });

  const options: DeliveryOptions = { secrets: [secret], allowList: ['127.0.0.1'], timeoutMs: 500 };
  const message = {
    id: 'msg_2026-0001',
    timestamp: new Date(),
    body: JSON.stringify([{ specversion: '1.0', id: 'e1', type: 'DisbursementPaid' }]),
    contentType: 'application/cloudevents-batch+json',
  };

  it('signs a delivery the standardwebhooks verifier accepts, and a 2xx is delivered', async () => {
    const outcome = await deliverWebhook(`${base}/hook`, message, options);

    expect(outcome).toMatchObject({ ok: true, status: 204 });
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(headers['content-type']).toBe('application/cloudevents-batch+json');
    expect(body).toBe(message.body);
    const verified = new Webhook(secret).verify(body, {
      'webhook-id': headers['webhook-id'] as string,
      'webhook-timestamp': headers['webhook-timestamp'] as string,
      'webhook-signature': headers['webhook-signature'] as string,
    });
    expect(verified).toEqual(JSON.parse(message.body));
    expect(headers['webhook-id']).toBe(message.id);
  });

  it('signs with both secrets while a rotation overlaps, and a forged body fails verification', async () => {
    await deliverWebhook(`${base}/hook`, message, { ...options, secrets: [secret, nextSecret] });
    const { headers, body } = received[0]!;
    const signatureHeaders = {
      'webhook-id': headers['webhook-id'] as string,
      'webhook-timestamp': headers['webhook-timestamp'] as string,
      'webhook-signature': headers['webhook-signature'] as string,
    };
    expect(signatureHeaders['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(secret).verify(body, signatureHeaders)).not.toThrow();
    expect(() => new Webhook(nextSecret).verify(body, signatureHeaders)).not.toThrow();
    expect(() => new Webhook(nextSecret).verify(`${body} `, signatureHeaders)).toThrow();
  });

  it.each([
    [301, 'redirects are not followed'],
    [404, 'answered 404: gone fishing'],
    [503, 'answered 503: gone fishing'],
  ])('records an answer %i as a failed attempt saying why', async (status, error) => {
    answer = (_request, response) =>
      response.writeHead(status, { location: `${base}/elsewhere` }).end('gone fishing');

    const outcome = await deliverWebhook(`${base}/hook`, message, options);

    expect(outcome).toMatchObject({ ok: false, status, error: expect.stringContaining(error) });
    expect(received.map((request) => request.path)).toEqual(['/hook']);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    answer = () => undefined;

    const outcome = await deliverWebhook(`${base}/hook`, message, { ...options, timeoutMs: 200 });

    expect(outcome).toMatchObject({ ok: false, error: 'no answer within 200 ms' });
  });

  it('does not read a 50 MB answer to its end', async () => {
    let written = 0;
    answer = (_request, response) => {
      response.writeHead(500);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('error', () => undefined);
      pump();
    };

    const outcome = await deliverWebhook(`${base}/hook`, message, options);

    expect(outcome).toMatchObject({ ok: false, status: 500 });
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a loopback receiver that is not allow-listed, and a name resolving to a private address', async () => {
    const refused = await deliverWebhook(`${base}/hook`, message, { ...options, allowList: [] });
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('https') });

    const rebinding = await deliverWebhook('https://receiver.example/hook', message, {
      ...options,
      resolve: async () => ['10.1.2.3'],
    });
    expect(rebinding).toMatchObject({
      ok: false,
      error: 'receiver.example resolves to a private, loopback or reserved address (10.1.2.3)',
    });
    expect(received).toEqual([]);
  });
});

describe('webhookUrlProblem and isForbiddenAddress', () => {
  it.each([
    ['https://bank.example/hooks', [], undefined],
    ['http://bank.example/hooks', [], 'must be https (http only for allow-listed hosts)'],
    ['http://127.0.0.1:8080/hooks', ['127.0.0.1'], undefined],
    [
      'https://127.0.0.1/hooks',
      [],
      'must not point at a private, loopback or reserved address (127.0.0.1)',
    ],
    [
      'https://10.0.0.8/hooks',
      [],
      'must not point at a private, loopback or reserved address (10.0.0.8)',
    ],
    ['https://[::1]/hooks', [], 'must not point at a private, loopback or reserved address (::1)'],
    ['https://user:pw@bank.example/', [], 'must not carry credentials'],
    ['ftp://bank.example/', [], 'must be an https URL'],
    ['not a url', [], 'must be an absolute URL'],
  ])('%s with allow-list %j → %j', (url, allowList, problem) => {
    expect(webhookUrlProblem(url, allowList)).toBe(problem);
  });

  it.each([
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['172.20.1.1', true],
    ['192.168.1.1', true],
    ['100.64.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['8.8.8.8', false],
    ['2606:4700::1111', false],
  ])('%s forbidden: %s', (address, expected) => {
    expect(isForbiddenAddress(address)).toBe(expected);
  });
});
