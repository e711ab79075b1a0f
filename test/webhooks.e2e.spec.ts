// Proves over real HTTP, on both job backends, that webhook subscriptions deliver the log to a local receiver as Standard Webhooks (every signature checked by the standardwebhooks package's own verifier) carrying CloudEvents batches in log order, filtered by scope and jurisdiction and masked as the feeds are; that a receiver failing then recovering gets everything in order under the same webhook-id per delivery; that 3xx, slow, huge and 5xx answers are recorded failed tries, a delivery that used every try is dead-lettered and stops the subscription until a replay sends everything from there; that a rotated secret overlaps its successor (both verify); and that bad input is a 400 naming the field and another county's integrator is told the subscription does not exist.
import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { signAccessToken } from '@sunlight/auth';
import { makeIdNumber } from '@sunlight/geo';
import { testRedisUrl, uniqueJobsPrefix } from '@sunlight/jobs/testing';
import type { Actor } from '@sunlight/kernel';
import {
  actorClients,
  apiPrefix,
  documented,
  expectProblem,
  type ActorClient,
  type TestActor,
} from './support/api-client';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';

const jwtSecret = 'webhooks-e2e-secret-'.padEnd(48, 'w');
const province: Actor = { id: 'wh-finance', role: 'finance', division: '53' };
const bank: TestActor = {
  id: 'wh-bank-530325',
  role: 'integrator',
  division: '530325',
  scopes: ['Disbursement'],
};
const bankWithPersonalData: TestActor = {
  id: 'wh-bank-530325-pd',
  role: 'integrator',
  division: '530325',
  scopes: ['Disbursement', 'personal-data'],
};
const neighbour: TestActor = {
  id: 'wh-bank-530322',
  role: 'integrator',
  division: '530322',
  scopes: ['Disbursement'],
};
const idNumber = makeIdNumber('530325', '19800101', '123');
const attempts = 4;

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface CloudEventJson {
  id: string;
  type: string;
  subject: string;
  position: string;
  data: Record<string, any>;
}

/** A local receiver: each path answers as its script says, then 204; every request is kept. */
class Receiver {
  readonly received = new Map<string, Received[]>();
  /** Per path: answers to give, in order, before answering 204. */
  readonly scripts = new Map<string, ('ok' | 'redirect' | 'slow' | 'huge' | 'fail')[]>();
  /** Paths answering 500 until told otherwise. */
  readonly down = new Set<string>();
  private readonly server: HttpServer;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.set(path, [
          ...(this.received.get(path) ?? []),
          { headers: req.headers, body },
        ]);
        const step = this.down.has(path) ? 'fail' : (this.scripts.get(path)?.shift() ?? 'ok');
        res.on('error', () => undefined);
        switch (step) {
          case 'redirect':
            res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
            return;
          case 'slow': {
            const timer = setTimeout(() => {
              this.timers.delete(timer);
              res.writeHead(204).end();
            }, 5_000);
            this.timers.add(timer);
            return;
          }
          case 'huge': {
            // 50 MB, written as fast as the client takes it; the sender must stop reading early.
            res.writeHead(500, { 'content-type': 'text/plain' });
            const chunk = Buffer.alloc(1024 * 1024, 'x');
            let left = 50;
            const write = () => {
              while (left > 0) {
                left -= 1;
                if (!res.write(chunk)) {
                  res.once('drain', write);
                  return;
                }
              }
              res.end();
            };
            res.on('close', () => (left = 0));
            write();
            return;
          }
          case 'fail':
            res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver down');
            return;
          default:
            res.writeHead(204).end();
        }
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Requests that arrived at `path`. */
  at(path: string): Received[] {
    return this.received.get(path) ?? [];
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The body checked by the standardwebhooks verifier with `secret`, as a CloudEvents batch. */
function verified(secret: string, received: Received): CloudEventJson[] {
  const headers = {
    'webhook-id': String(received.headers['webhook-id']),
    'webhook-timestamp': String(received.headers['webhook-timestamp']),
    'webhook-signature': String(received.headers['webhook-signature']),
  };
  new Webhook(secret).verify(received.body, headers);
  expect(received.headers['content-type']).toBe('application/cloudevents-batch+json');
  return JSON.parse(received.body) as CloudEventJson[];
}

/** The events a receiver got, in arrival order, each delivery counted once (by webhook-id). */
function deliveredEvents(
  secret: string,
  requests: readonly Received[],
  accepted: (index: number) => boolean = () => true,
): CloudEventJson[] {
  const seen = new Set<string>();
  const events: CloudEventJson[] = [];
  requests.forEach((received, index) => {
    const id = String(received.headers['webhook-id']);
    if (!accepted(index) || seen.has(id)) return;
    seen.add(id);
    events.push(...verified(secret, received));
  });
  return events;
}

const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL jobs', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis jobs',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('webhooks') }),
        },
      ]),
];

describe.each(backends)('webhook subscriptions over HTTP ($label)', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let db: Client;
  let as: (actor: TestActor) => ActorClient;
  let receiver: Receiver;
  let transferCount = 0;

  const tokenOf = (actor: TestActor) =>
    `Bearer ${signAccessToken(jwtSecret, {
      actor: { id: actor.id, role: actor.role, division: actor.division },
      scopes: actor.scopes ?? [],
    })}`;
  const remove = (actor: TestActor, path: string) =>
    documented(
      app.server,
      request(app.server).delete(`${apiPrefix}${path}`).set('Authorization', tokenOf(actor)),
    );

  const disburse = (fund: string, division: string) => {
    transferCount += 1;
    return as(province)
      .post(`/funds/${fund}/disbursements`, {
        transferId: `${fund}-d${transferCount}`,
        divisionCode: division,
        beneficiary: {
          kind: 'person',
          id: `p-${fund}-${transferCount}`,
          name: '张三丰',
          idNumber,
          bankAccount: '6228480000000000001',
        },
        amount: '10.00',
      })
      .expect(201);
  };

  /** The positions the feed gives `actor` for `query`: what its webhooks must carry, in order. */
  const feedPositions = async (actor: TestActor, query: string): Promise<string[]> => {
    const text = (await as(actor).get(`/feeds/events?${query}`).expect(200)).text;
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { position?: string });
    return lines.slice(0, -1).map((line) => line.position as string);
  };

  const subscribe = async (actor: TestActor, path: string, body: Record<string, unknown> = {}) => {
    const response = await as(actor)
      .post('/subscriptions', {
        url: receiver.url(path),
        types: ['Disbursement'],
        after: '0',
        ...body,
      })
      .expect(201);
    expect(response.body.secret).toMatch(/^whsec_/);
    return response.body as { subscriptionId: string; secret: string };
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'webhooks');
    receiver = new Receiver();
    await receiver.listen();
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_ATTEMPTS: String(attempts),
      WEBHOOK_BACKOFF_MS: '40',
      // Generous for a loaded CI machine; the slow receiver answers well after it.
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_BATCH_MAX: '2',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_SECRET_OVERLAP_MS: '600000',
      SHUTDOWN_DRAIN_MS: '2000',
      ...env(),
    });
    as = actorClients(app.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    for (const [fund, division] of [
      ['wh-a', '530325'],
      ['wh-b', '530322'],
    ] as const) {
      await as(province)
        .post('/funds', {
          fundId: fund,
          name: `推送测试资金 ${fund}`,
          fiscalYear: 2026,
          purposeCategory: '产业发展',
          source: '省级财政',
          appropriation: { divisionCode: division, amount: '100000.00' },
        })
        .expect(201);
    }
    await eventually(async () => {
      const { rows } = await db.query("SELECT 1 FROM events WHERE type = 'FundsAppropriated'");
      expect(rows).toHaveLength(2);
    });
    for (let n = 1; n <= 3; n += 1) {
      await disburse('wh-a', '530325');
      await disburse('wh-b', '530322');
    }
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('delivers the filtered, masked events in log order, signed so the standardwebhooks verifier accepts them', async () => {
    const { subscriptionId, secret } = await subscribe(bank, '/in-order');
    const expected = await feedPositions(bank, 'types=Disbursement');
    expect(expected).toHaveLength(3);
    const events = await eventually(async () => {
      const delivered = deliveredEvents(secret, receiver.at('/in-order'));
      expect(delivered.map((event) => event.position)).toEqual(expected);
      return delivered;
    });
    // Only the bank's county: 530322's disbursements never reach it.
    expect(events.every((event) => event.subject === 'pool-wh-a.530325')).toBe(true);
    expect(events.map((event) => event.type)).toEqual(Array(3).fill('DisbursementRequested'));
    expect(events[0]!.data.beneficiary).toMatchObject({
      name: '张*',
      idNumber: `530325********${idNumber.slice(-4)}`,
      bankAccount: '***************0001',
    });
    // A wrong secret fails the verifier: the signatures are real.
    expect(() =>
      verified(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, receiver.at('/in-order')[0]!),
    ).toThrow();
    const deliveries = await eventually(async () => {
      const response = await as(bank)
        .get(`/subscriptions/${subscriptionId}/deliveries`)
        .expect(200);
      expect(response.body.map((delivery: { status: string }) => delivery.status)).toEqual([
        'delivered',
        'delivered',
      ]);
      return response.body as {
        status: string;
        attempts: number;
        webhookId: string;
        through: string;
      }[];
    });
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['delivered', 'delivered']);
    expect(deliveries.map((delivery) => delivery.webhookId).sort()).toEqual(
      receiver
        .at('/in-order')
        .map((received) => String(received.headers['webhook-id']))
        .sort(),
    );
    const view = await as(bank).get(`/subscriptions/${subscriptionId}`).expect(200);
    expect(view.body).toMatchObject({ status: 'active', cursor: expected[2]!.padStart(20, '0') });
    expect(view.body.secret).toBeUndefined();
    const list = await as(bank).get('/subscriptions').expect(200);
    expect(list.body.map((item: { subscriptionId: string }) => item.subscriptionId)).toContain(
      subscriptionId,
    );
  });

  it('shows personal data only to a subscriber holding the personal-data scope, and sends new events as they come', async () => {
    const { secret } = await subscribe(bankWithPersonalData, '/personal');
    await eventually(async () => {
      expect(deliveredEvents(secret, receiver.at('/personal'))).toHaveLength(3);
    });
    await disburse('wh-a', '530325');
    const events = await eventually(async () => {
      const delivered = deliveredEvents(secret, receiver.at('/personal'));
      expect(delivered).toHaveLength(4);
      return delivered;
    });
    expect(events[3]!.data.beneficiary).toMatchObject({ name: '张三丰', idNumber });
    expect(events.map((event) => event.position)).toEqual(
      await feedPositions(bankWithPersonalData, 'types=Disbursement'),
    );
  });

  it('retries a receiver that fails then recovers with the same webhook-id, recording redirect, timeout and 50 MB answers as failed tries', async () => {
    receiver.scripts.set('/flaky', ['redirect', 'slow', 'huge']);
    const { subscriptionId, secret } = await subscribe(bank, '/flaky');
    const expected = await feedPositions(bank, 'types=Disbursement');
    await eventually(async () => {
      const delivered = deliveredEvents(secret, receiver.at('/flaky'), (index) => index >= 3);
      expect(delivered.map((event) => event.position)).toEqual(expected);
    }, 20_000);
    const first = receiver.at('/flaky').slice(0, 4);
    // Four tries of the first delivery: one webhook-id, one body, each signed anew.
    expect(new Set(first.map((received) => received.headers['webhook-id'])).size).toBe(1);
    expect(new Set(first.map((received) => received.body)).size).toBe(1);
    for (const received of first) verified(secret, received);
    const deliveries = await as(bank)
      .get(`/subscriptions/${subscriptionId}/deliveries`)
      .expect(200);
    const oldest = deliveries.body.at(-1) as { status: string; attempts: number };
    expect(oldest).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it('dead-letters a delivery after every try, stops there, and a replay sends everything from there in order', async () => {
    receiver.down.add('/down');
    const { subscriptionId, secret } = await subscribe(bank, '/down');
    const dead = await eventually(async () => {
      const view = await as(bank).get(`/subscriptions/${subscriptionId}`).expect(200);
      expect(view.body.status).toBe('dead-lettered');
      return view.body.deadLetter as { after: string; attempts: number; lastError: string };
    }, 20_000);
    expect(dead.attempts).toBe(attempts);
    expect(dead.lastError).toMatch(/500/);
    expect(receiver.at('/down')).toHaveLength(attempts);
    const deliveries = await as(bank)
      .get(`/subscriptions/${subscriptionId}/deliveries`)
      .expect(200);
    expect(deliveries.body[0]).toMatchObject({
      status: 'dead-lettered',
      attempts,
      lastError: expect.stringMatching(/500/),
    });
    // Stopped: a new event does not go past the dead letter.
    await disburse('wh-a', '530325');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.at('/down')).toHaveLength(attempts);

    receiver.down.delete('/down');
    await as(bank)
      .post(`/subscriptions/${subscriptionId}/replay`, { from: String(BigInt(dead.after) + 1n) })
      .expect(202);
    const expected = await feedPositions(bank, 'types=Disbursement');
    await eventually(async () => {
      const delivered = deliveredEvents(secret, receiver.at('/down'), (index) => index >= attempts);
      expect(delivered.map((event) => event.position)).toEqual(expected);
    }, 20_000);
    const view = await as(bank).get(`/subscriptions/${subscriptionId}`).expect(200);
    expect(view.body.status).toBe('active');
  });

  it('signs with both secrets during a rotation overlap', async () => {
    const { subscriptionId, secret } = await subscribe(bank, '/rotate');
    const expected = await feedPositions(bank, 'types=Disbursement');
    await eventually(async () => {
      expect(deliveredEvents(secret, receiver.at('/rotate'))).toHaveLength(expected.length);
    });
    const before = receiver.at('/rotate').length;
    const rotated = await as(bank)
      .post(`/subscriptions/${subscriptionId}/secret/rotate`)
      .expect(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    expect(rotated.body.secretVersion).toBe(2);
    await disburse('wh-a', '530325');
    const after = await eventually(async () => {
      const received = receiver.at('/rotate').slice(before);
      expect(received.length).toBeGreaterThan(0);
      return received[0]!;
    });
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(secret, after)).toHaveLength(1);
    expect(verified(rotated.body.secret, after)).toHaveLength(1);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const created = async () =>
      (
        await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM events WHERE type = 'SubscriptionCreated'",
        )
      ).rows[0]!.n;
    const before = await created();
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'http://receiver.example/hook' }, 'url'],
      [{ url: 'https://10.1.2.3/hook' }, 'url'],
      [{ url: 'https://[::1]/hook' }, 'url'],
      [{ url: 'https://user:pw@receiver.example/hook' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://receiver.example/hook', types: ['Allocation'] }, 'types[0]'],
      [{ url: 'https://receiver.example/hook', types: ['lower'] }, 'types'],
      [{ url: 'https://receiver.example/hook', division: '999999' }, 'division'],
      [{ url: 'https://receiver.example/hook', after: 'x' }, 'after'],
      [{ url: 'https://receiver.example/hook', colour: 'red' }, 'colour'],
      [{}, 'url'],
    ];
    for (const [body, field] of cases) {
      expectProblem(await as(bank).post('/subscriptions', body), 400, [field]);
    }
    expect(await created()).toBe(before);
    const { subscriptionId } = await subscribe(bank, '/bad-input');
    for (const body of [{ from: 'abc' }, {}, { from: '-1' }]) {
      expectProblem(await as(bank).post(`/subscriptions/${subscriptionId}/replay`, body), 400, [
        'from',
      ]);
    }
    expectProblem(await as(bank).get('/subscriptions/not-an-id'), 404);
    const { rows } = await db.query(
      "SELECT 1 FROM events WHERE type = 'SubscriptionReplayed' AND stream_name = $1",
      [`subscription-${subscriptionId}`],
    );
    expect(rows).toEqual([]);
  });

  it("keeps another county's integrator out: 403 for its division, 404 for the subscription", async () => {
    const { subscriptionId } = await subscribe(bank, '/private');
    expectProblem(
      await as(bank).post('/subscriptions', {
        url: 'https://receiver.example/hook',
        division: '530322',
      }),
      403,
    );
    expectProblem(await as(neighbour).get(`/subscriptions/${subscriptionId}`), 404);
    expectProblem(await as(neighbour).get(`/subscriptions/${subscriptionId}/deliveries`), 404);
    expectProblem(
      await as(neighbour).post(`/subscriptions/${subscriptionId}/replay`, { from: '1' }),
      404,
    );
    expectProblem(await as(neighbour).post(`/subscriptions/${subscriptionId}/secret/rotate`), 404);
    expectProblem(await remove(neighbour, `/subscriptions/${subscriptionId}`), 404);
    const list = await as(neighbour).get('/subscriptions').expect(200);
    expect(list.body).toEqual([]);
    expectProblem(await as({ ...province }).get('/subscriptions'), 403);

    const deleted = await remove(bank, `/subscriptions/${subscriptionId}`).expect(200);
    expect(deleted.body.status).toBe('deleted');
    expectProblem(await as(bank).get(`/subscriptions/${subscriptionId}`), 404);
  });

  it('answers a retried subscription with the same Idempotency-Key once, and refuses the key for another URL', async () => {
    const retrier: TestActor = { ...bank, id: 'wh-retrier-530325' };
    const key = randomUUID();
    const body = { url: receiver.url('/retried'), types: ['Disbursement'], after: '0' };
    const first = await as(retrier).post('/subscriptions', body).set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBe('false');
    const again = await as(retrier).post('/subscriptions', body).set('Idempotency-Key', key);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const list = await as(retrier).get('/subscriptions').expect(200);
    expect(list.body.map((view: { subscriptionId: string }) => view.subscriptionId)).toEqual([
      first.body.subscriptionId,
    ]);
    // Another caller's same key is its own.
    const other = await as({ ...retrier, id: 'wh-other-530325' })
      .post('/subscriptions', body)
      .set('Idempotency-Key', key);
    expect(other.status).toBe(201);
    expect(other.body.subscriptionId).not.toBe(first.body.subscriptionId);
    expectProblem(
      await as(retrier)
        .post('/subscriptions', { ...body, url: receiver.url('/elsewhere') })
        .set('Idempotency-Key', key),
      409,
    );
    const bad = await as(retrier).post('/subscriptions', body).set('Idempotency-Key', 'short');
    expectProblem(bad, 400, ['Idempotency-Key']);
    expect((await as(retrier).get('/subscriptions').expect(200)).body).toHaveLength(1);
  });

  it('shows a subscription’s events in the feed to its owner and to jurisdictions above, never to a peer integrator', async () => {
    const owner: TestActor = {
      ...bank,
      id: 'wh-owner-530325',
      scopes: ['Disbursement', 'Subscription', 'personal-data'],
    };
    const peer: TestActor = {
      ...bank,
      id: 'wh-peer-530325',
      scopes: ['Subscription', 'personal-data'],
    };
    const prefecture: TestActor = {
      ...bank,
      id: 'wh-prefecture-5303',
      division: '5303',
      scopes: ['Subscription'],
    };
    const { subscriptionId } = await subscribe(owner, '/owned?token=owners-own-credential');
    const stream = `subscription-${subscriptionId}`;
    const streamsIn = async (actor: TestActor) => {
      const text = (await as(actor).get('/feeds/events?types=Subscription&limit=10000').expect(200))
        .text;
      return text
        .trimEnd()
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line) as { streamName: string; data: { url?: string } });
    };
    const ownerSees = await streamsIn(owner);
    expect(ownerSees.map((line) => line.streamName)).toContain(stream);
    expect(ownerSees.find((line) => line.streamName === stream)?.data.url).toContain(
      'owners-own-credential',
    );
    expect((await streamsIn(prefecture)).map((line) => line.streamName)).toContain(stream);
    const peerSees = await streamsIn(peer);
    expect(peerSees.map((line) => line.streamName)).not.toContain(stream);
    expect(JSON.stringify(peerSees)).not.toContain('owners-own-credential');
    // Asking for the stream by name changes nothing.
    const asked = await as(peer).get(`/feeds/events?streams=${stream}`).expect(200);
    expect(asked.text).not.toContain('owners-own-credential');
  });
});
