// Proves over real HTTP that integrators follow the log from outside: the catch-up feed as NDJSON, a JSON page and CloudEvents 1.0 (checked by the cloudevents package's own validation), in log order with a resumable `next`; filtered server-side by type prefix, stream prefix and division, an integrator kept to its scopes and to its jurisdiction (an event's division is its stream's), names, ID numbers and bank accounts masked without the personal-data scope and shown with it, chain hashes equal to the log's; bad parameters refused with 400 naming them; and the SSE stream: catch-up then live, heartbeats, resume with Last-Event-ID without a loss or a repeat, and a client that stops reading dropped with a final event naming where to resume, from where the rest arrives exactly once.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CloudEvent } from 'cloudevents';
import { Client } from 'pg';
import { signAccessToken } from '@sunlight/auth';
import { EVENT_STORE, type EventStore } from '@sunlight/event-store';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type TestActor } from './support/api-client';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const jwtSecret = 'integrator-feeds-secret-'.padEnd(48, 'i');
const province: Actor = { id: 'if-finance', role: 'finance', division: '53' };
const commission: Actor = { id: 'if-commission', role: 'commission', division: '53' };
const fuyuan: TestActor = {
  id: 'if-bank-530325',
  role: 'integrator',
  division: '530325',
  scopes: ['Disbursement'],
};
const fuyuanWithPersonalData: TestActor = { ...fuyuan, scopes: ['Disbursement', 'personal-data'] };
const idNumber = makeIdNumber('530325', '19800101', '123');
const maskedIdNumber = `530325********${idNumber.slice(-4)}`;

interface FeedLine {
  position: string;
  streamName: string;
  type: string;
  eventId: string;
  data: Record<string, any>;
  chainHash: string | null;
}

/** NDJSON → its event lines and its last line. */
function ndjson(text: string): { events: FeedLine[]; end: { next: string | null; count: number } } {
  const lines = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);
  const end = lines.pop() as { next: string | null; count: number };
  expect(Object.keys(end).sort()).toEqual(['count', 'next']);
  return { events: lines as FeedLine[], end };
}

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A raw SSE client over node:http, collecting each block as it arrives. */
function openStream(
  server: Server,
  token: string,
  query = '',
  lastEventId?: string,
): Promise<{ response: IncomingMessage; messages: SseMessage[]; close: () => void }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/api/v1/feeds/events/stream${query}`,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
      },
      (response) => {
        const messages: SseMessage[] = [];
        let buffer = '';
        response.setEncoding('utf8');
        // Searched from where the last search stopped: big events arrive in many chunks.
        let searchFrom = 0;
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n', searchFrom)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            searchFrom = 0;
            const message: SseMessage = {};
            for (const line of block.split('\n')) {
              const colon = line.indexOf(':');
              const field = line.slice(0, colon);
              const value = line.slice(colon + 1).replace(/^ /, '');
              if (field === '') message.comment = value;
              else (message as Record<string, string>)[field] = value;
            }
            messages.push(message);
          }
          searchFrom = Math.max(0, buffer.length - 1);
        });
        response.on('error', () => undefined);
        resolve({ response, messages, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}

const eventsOf = (messages: SseMessage[]) =>
  messages.filter((message) => message.data !== undefined && message.event === undefined);

describe('integrator feeds', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let server: Server;
  let db: Client;
  let as: ReturnType<typeof actorClients>;
  const tokenOf = (actor: TestActor) =>
    signAccessToken(jwtSecret, {
      actor: { id: actor.id, role: actor.role, division: actor.division },
      scopes: actor.scopes ?? [],
    });

  const disburse = (fund: string, division: string, n: number) =>
    as(province)
      .post(`/funds/${fund}/disbursements`, {
        transferId: `${fund}-d${n}`,
        divisionCode: division,
        beneficiary: {
          kind: 'person',
          id: `p-${fund}-${n}`,
          name: '张三丰',
          idNumber,
          bankAccount: '6228480000000000001',
        },
        amount: '10.00',
      })
      .expect(201);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'feeds');
    ({ app, server } = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      FEED_HEARTBEAT_MS: '200',
      FEED_SLOW_CLIENT_MS: '300',
    }));
    as = actorClients(server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    for (const [fund, division] of [
      ['fe-a', '530325'],
      ['fe-b', '530322'],
    ] as const) {
      await as(province)
        .post('/funds', {
          fundId: fund,
          name: `订阅测试资金 ${fund}`,
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
      await disburse('fe-a', '530325', n);
      await disburse('fe-b', '530322', n);
    }
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('gives an integrator only its scopes and its jurisdiction, masked, in log order, with the log’s chain hashes', async () => {
    const response = await as(fuyuan).get('/feeds/events').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const { events, end } = ndjson(response.text);

    expect(events.map((event) => [event.type, event.streamName])).toEqual(
      [1, 2, 3].map(() => ['DisbursementRequested', 'pool-fe-a.530325']),
    );
    // `next` is the last position read: past the last event sent when the filters skipped the rest.
    expect(end.count).toBe(3);
    expect(BigInt(end.next!)).toBeGreaterThanOrEqual(BigInt(events[2]!.position));
    const following = ndjson(
      (await as(fuyuan).get(`/feeds/events?after=${end.next}`).expect(200)).text,
    );
    expect(following.events).toEqual([]);
    const positions = events.map((event) => BigInt(event.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(events[0]!.data.beneficiary).toEqual({
      kind: 'person',
      id: 'p-fe-a-1',
      name: '张*',
      idNumber: maskedIdNumber,
      bankAccount: '***************0001',
    });
    const { rows } = await db.query<{ position: string; hash: string }>(
      "SELECT position::text, encode(hash, 'hex') AS hash FROM events WHERE type = 'DisbursementRequested' AND stream_name LIKE 'pool-fe-a.%' ORDER BY position",
    );
    expect(events.map((event) => [BigInt(event.position).toString(), event.chainHash])).toEqual(
      rows.map((row) => [row.position, row.hash]),
    );
  });

  it('shows personal data to an integrator holding the personal-data scope, and to a commission', async () => {
    const { events } = ndjson(
      (await as(fuyuanWithPersonalData).get('/feeds/events').expect(200)).text,
    );
    expect(events[0]!.data.beneficiary).toMatchObject({
      name: '张三丰',
      idNumber,
      bankAccount: '6228480000000000001',
    });
    const all = ndjson(
      (await as(commission).get('/feeds/events?types=Disbursement').expect(200)).text,
    );
    expect(all.events).toHaveLength(6);
    expect(all.events[0]!.data.beneficiary.name).toBe('张三丰');
  });

  it('filters by type, stream and division server-side, a division outside the caller being a 403', async () => {
    const byDivision = ndjson(
      (await as(commission).get('/feeds/events?division=530322').expect(200)).text,
    );
    expect(new Set(byDivision.events.map((event) => event.streamName))).toEqual(
      new Set(['pool-fe-b.530322']),
    );
    expect(byDivision.events.map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'DisbursementRequested',
      'DisbursementRequested',
      'DisbursementRequested',
    ]);
    const withPublic = ndjson(
      (await as(commission).get('/feeds/events?streams=fund-').expect(200)).text,
    );
    expect(withPublic.events.map((event) => event.type)).toEqual([
      'FundLineCreated',
      'FundLineCreated',
    ]);
    const outOfScope = ndjson((await as(fuyuan).get('/feeds/events?types=Funds').expect(200)).text);
    expect(outOfScope).toEqual({ events: [], end: { next: null, count: 0 } });
    expectProblem(await as(fuyuan).get('/feeds/events?division=530322').expect(403), 403);
    expectProblem(await as(fuyuan).get('/feeds/events?division=53').expect(403), 403);
    expectProblem(await as(province).get('/feeds/events').expect(403), 403);
  });

  it('pages with next: each page resumes exactly after the last, to the end', async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 10; page += 1) {
      const { events, end } = ndjson(
        (await as(commission).get(`/feeds/events?limit=2${after}`).expect(200)).text,
      );
      seen.push(...events.map((event) => event.eventId));
      if (events.length === 0) break;
      after = `&after=${end.next}`;
    }
    const whole = ndjson((await as(commission).get('/feeds/events').expect(200)).text);
    expect(seen).toEqual(whole.events.map((event) => event.eventId));
    expect(seen.length).toBe(10);
  });

  it('answers a JSON page and CloudEvents 1.0 with id, source, type, subject, time, data and the log extensions', async () => {
    const page = (await as(fuyuan).get('/feeds/events?format=json').expect(200)).body as {
      events: FeedLine[];
      next: string;
      count: number;
    };
    expect(page.count).toBe(3);
    expect(BigInt(page.next)).toBeGreaterThanOrEqual(BigInt(page.events[2]!.position));

    const response = await as(fuyuan)
      .get('/feeds/events')
      .set('Accept', 'application/cloudevents+json')
      .expect(200);
    const { events } = ndjson(response.text);
    const cloud = events as unknown as Record<string, any>[];
    expect(cloud).toHaveLength(3);
    for (const [index, event] of cloud.entries()) {
      // The package's own strict validation of the attributes.
      expect(() => new CloudEvent(event, true).validate()).not.toThrow();
      expect(event).toMatchObject({
        specversion: '1.0',
        id: page.events[index]!.eventId,
        source: 'sunlight.local/log',
        type: 'DisbursementRequested',
        subject: 'pool-fe-a.530325',
        datacontenttype: 'application/json',
        position: page.events[index]!.position,
        revision: expect.stringMatching(/^\d+$/),
        chainhash: page.events[index]!.chainHash,
      });
      expect(event.data.beneficiary.name).toBe('张*');
      expect(Date.parse(event.time)).not.toBeNaN();
    }
    const viaQuery = ndjson(
      (await as(fuyuan).get('/feeds/events?format=cloudevents').expect(200)).text,
    );
    expect(viaQuery.events).toEqual(events);
  });

  it.each([
    ['foo=1', 'foo'],
    ['after=abc', 'after'],
    ['after=99999999999999999999', 'after'],
    ['limit=0', 'limit'],
    ['limit=10001', 'limit'],
    ['types=disbursement', 'types'],
    ['streams=POOL', 'streams'],
    ['division=yunnan', 'division'],
    ['format=xml', 'format'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    expectProblem(await as(commission).get(`/feeds/events?${query}`).expect(400), 400, [field]);
  });

  it('refuses a malformed Last-Event-ID and a limit on the stream with 400', async () => {
    const malformed = await openStream(server, tokenOf(commission), '', 'not-a-position');
    expect(malformed.response.statusCode).toBe(400);
    malformed.close();
    const limited = await openStream(server, tokenOf(commission), '?limit=5');
    expect(limited.response.statusCode).toBe(400);
    limited.close();
  });

  it('streams catch-up then live with heartbeats, and resumes with Last-Event-ID losing and repeating nothing', async () => {
    const first = await openStream(server, tokenOf(fuyuan));
    expect(first.response.statusCode).toBe(200);
    expect(first.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await eventually(async () => expect(eventsOf(first.messages)).toHaveLength(3));
    await disburse('fe-a', '530325', 4);
    await disburse('fe-b', '530322', 4);
    await eventually(async () => expect(eventsOf(first.messages)).toHaveLength(4));
    await eventually(async () =>
      expect(
        first.messages.filter((message) => message.comment === 'heartbeat').length,
      ).toBeGreaterThan(1),
    );
    const received = eventsOf(first.messages).map(
      (message) => JSON.parse(message.data!) as FeedLine,
    );
    expect(received.map((event) => event.streamName)).toEqual(
      [1, 2, 3, 4].map(() => 'pool-fe-a.530325'),
    );
    expect(eventsOf(first.messages).map((message) => message.id)).toEqual(
      received.map((event) => event.position),
    );
    expect(received[3]!.data.beneficiary.name).toBe('张*');
    first.close();

    await disburse('fe-a', '530325', 5);
    const resumed = await openStream(server, tokenOf(fuyuan), '', received[1]!.position);
    await eventually(async () => expect(eventsOf(resumed.messages)).toHaveLength(3));
    const after = eventsOf(resumed.messages).map(
      (message) => JSON.parse(message.data!) as FeedLine,
    );
    expect(after.map((event) => event.data.transferId)).toEqual(['fe-a-d3', 'fe-a-d4', 'fe-a-d5']);
    resumed.close();
  });

  it('streams CloudEvents with format=cloudevents, the same events as the catch-up page', async () => {
    const stream = await openStream(server, tokenOf(fuyuan), '?format=cloudevents');
    await eventually(async () =>
      expect(eventsOf(stream.messages).length).toBeGreaterThanOrEqual(3),
    );
    stream.close();
    const page = ndjson(
      (await as(fuyuan).get('/feeds/events?format=cloudevents').expect(200)).text,
    );
    const streamed = eventsOf(stream.messages).map(
      (message) => JSON.parse(message.data!) as Record<string, unknown>,
    );
    expect(streamed.slice(0, 3)).toEqual(page.events.slice(0, 3));
    expect(eventsOf(stream.messages).map((message) => message.id)).toEqual(
      streamed.map((event) => event.position),
    );
  });

  it('ends open streams at shutdown with a final event naming where to resume', async () => {
    const other = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    const stream = await openStream(other.server, tokenOf(fuyuan));
    await eventually(async () =>
      expect(eventsOf(stream.messages).length).toBeGreaterThanOrEqual(3),
    );
    const lastId = eventsOf(stream.messages).at(-1)!.id;
    await other.close();
    const dropped = stream.messages.find((message) => message.event === 'dropped');
    expect(dropped).toBeDefined();
    const { reason, resumeAfter } = JSON.parse(dropped!.data!) as Record<string, string>;
    expect(reason).toBe('shutting-down');
    expect(BigInt(resumeAfter!)).toBeGreaterThanOrEqual(BigInt(lastId!));
  }, 60_000);

  it('drops a client that stops reading with a final event naming where to resume, and the rest then arrives once', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const head = (
      await db.query<{ head: string }>('SELECT max(position)::text AS head FROM events')
    ).rows[0]!.head;
    const stream = 'pool-slow.530325';
    const big = 'x'.repeat(400_000);
    const total = 60;
    for (let batch = 0; batch < total / 10; batch += 1) {
      await store.appendToStream(
        stream,
        Array.from({ length: 10 }, (_, index) => ({
          eventId: randomUUID(),
          type: 'DisbursementNoted',
          data: { n: batch * 10 + index, padding: big },
          metadata: { test: true },
        })),
        { expectedRevision: 'any' },
      );
    }
    const slow = await openStream(server, tokenOf(commission), `?streams=pool-slow&after=${head}`);
    slow.response.pause();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    slow.response.resume();
    await eventually(async () =>
      expect(slow.messages.some((message) => message.event === 'dropped')).toBe(true),
    );
    const dropped = slow.messages.find((message) => message.event === 'dropped')!;
    const before = eventsOf(slow.messages);
    expect(before.length).toBeLessThan(total);
    expect(JSON.parse(dropped.data!)).toEqual({
      reason: 'slow-client',
      resumeAfter: before.at(-1)!.id,
    });

    slow.close();
    // Read on from there; a reader this test's machine makes slow may be dropped again, and
    // then resumes again: what matters is that every event arrives exactly once.
    const after: SseMessage[] = [];
    let resumeAfter = before.at(-1)!.id!;
    for (let round = 0; round < 20 && before.length + after.length < total; round += 1) {
      const rest = await openStream(server, tokenOf(commission), '?streams=pool-slow', resumeAfter);
      await eventually(async () => {
        const done =
          before.length + after.length + eventsOf(rest.messages).length >= total ||
          rest.messages.some((message) => message.event === 'dropped');
        expect(done).toBe(true);
      }, 20_000);
      rest.close();
      after.push(...eventsOf(rest.messages));
      const again = rest.messages.find((message) => message.event === 'dropped');
      if (again !== undefined)
        resumeAfter = (JSON.parse(again.data!) as { resumeAfter: string }).resumeAfter;
    }
    const numbers = [...before, ...after].map(
      (message) => (JSON.parse(message.data!) as FeedLine).data.n as number,
    );
    expect(numbers).toEqual(Array.from({ length: total }, (_, n) => n));
  }, 90_000);
});
