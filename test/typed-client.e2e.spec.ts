// Proves that a client generated from the OpenAPI document alone (openapi-typescript → test/generated/sunlight-api.ts, kept current by test/openapi.spec.ts) drives the README's walkthrough — create a fund line, request a disbursement, approve it, read the pool and its stream — with openapi-fetch and without a single cast: `npm test`'s type check compiles this file against the generated types, and each answer's typed fields are the ones the app sends.
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import request from 'supertest';
import { loadAppConfig } from '../src/config/app-config';
import { describeApi } from '../src/main';
import { signAccessToken } from '@sunlight/auth';
import type { paths } from './generated/sunlight-api';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';

const jwtSecret = 'typed-client-e2e-secret-'.padEnd(48, 't');
const bearer = (id: string, role: 'finance' | 'approver', division: string) =>
  `Bearer ${signAccessToken(jwtSecret, { actor: { id, role, division } })}`;

describe('a client generated from the OpenAPI document', () => {
  let databaseUrl: string;
  let testApp: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'typed');
    testApp = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    baseUrl = `http://127.0.0.1:${(testApp.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await testApp?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('is generated from the document the app serves, which `sunlight openapi` prints without a database', async () => {
    const served = await request(testApp.server).get('/docs-json').expect(200);
    const printed = await describeApi(
      loadAppConfig({ LOG_LEVEL: 'silent', JWT_SECRET: jwtSecret }),
    );
    expect(served.body).toEqual(JSON.parse(JSON.stringify(printed)));
  });

  it("drives the README's walkthrough without a cast", async () => {
    const finance = createClient<paths>({
      baseUrl,
      headers: { Authorization: bearer('u1', 'finance', '530325') },
    });
    const approver = createClient<paths>({
      baseUrl,
      headers: { Authorization: bearer('u2', 'approver', '530325') },
    });

    const fund = await finance.POST('/api/v1/funds', {
      body: {
        fundId: 'fy-2026-001',
        name: '富源县产业发展资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530325102', amount: '500000.00' },
      },
    });
    expect(fund.response.status).toBe(201);
    expect(fund.data?.type).toBe('FundLineCreated');

    const requested = await finance.POST('/api/v1/funds/{fundId}/disbursements', {
      params: { path: { fundId: 'fy-2026-001' } },
      body: {
        transferId: 'd-0001',
        divisionCode: '530325102',
        beneficiary: {
          kind: 'household',
          id: 'hh-530325102201-001',
          name: '张三',
          idNumber: '530325198001011232',
        },
        amount: '3600.00',
      },
    });
    expect(requested.data?.type).toBe('DisbursementRequested');

    const approved = await approver.POST('/api/v1/disbursements/{transferId}/approve', {
      params: { path: { transferId: 'd-0001' } },
    });
    expect({ status: approved.response.status, type: approved.data?.type }).toEqual({
      status: 201,
      type: 'DisbursementApproved',
    });
    const replayed = await approver.POST('/api/v1/disbursements/{transferId}/approve', {
      params: { path: { transferId: 'd-0001' } },
    });
    expect(replayed.response.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replayed.data?.eventId).toBe(approved.data?.eventId);

    const pool = await finance.GET('/api/v1/pools/{fundId}/{divisionCode}', {
      params: { path: { fundId: 'fy-2026-001', divisionCode: '530325102' } },
    });
    expect({ balance: pool.data?.balance, disbursed: pool.data?.disbursed }).toEqual({
      balance: '496400.00',
      disbursed: '3600.00',
    });

    const stream = await finance.GET('/api/v1/streams/{streamName}/events', {
      params: { path: { streamName: 'pool-fy-2026-001.530325102' }, query: { limit: 10 } },
    });
    expect(stream.data?.events.map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'DisbursementRequested',
      'DisbursementApproved',
    ]);

    const refused = await approver.POST('/api/v1/disbursements/{transferId}/approve', {
      params: { path: { transferId: 'no-such-transfer' } },
    });
    expect(refused.error?.type).toMatch(/\/problems\//);
    expect(refused.error?.status).toBe(refused.response.status);
  });
});
