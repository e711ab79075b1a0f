// Proves that the real app, listening on a real port against a real PostgreSQL, serves health, OpenAPI docs and Prometheus metrics, and answers failures as RFC 9457 problem+json.
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { requireEnv, startTestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

describe('the app over HTTP', () => {
  let app: NestExpressApplication;
  let server: ReturnType<NestExpressApplication['getHttpServer']>;

  beforeAll(async () => {
    app = (await startTestApp()).app;
    server = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('GET /health answers 200 with the event store up and its head position', async () => {
    const response = await request(server).get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' } } });
    expect(response.body.info.eventStore).toHaveProperty('headPosition');
  });

  it('GET /docs-json serves the OpenAPI document with the title and bearer auth', async () => {
    const response = await request(server).get('/docs-json').expect(200);
    expect(response.body.info.title).toBe('Sunlight (阳光) API');
    expect(response.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(response.body.paths).toHaveProperty('/health');
  });

  it('GET /docs serves the Swagger UI', async () => {
    const response = await request(server).get('/docs').redirects(1).expect(200);
    expect(response.text).toContain('swagger-ui');
  });

  it('GET /metrics serves Prometheus text with the head position gauge and request durations by route', async () => {
    await request(server).get('/health').expect(200);
    const response = await request(server).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/^sunlight_event_store_head_position \d+$/m);
    expect(response.text).toContain('http_request_duration_seconds_bucket');
    expect(response.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d+/,
    );
    expect(response.text).toContain('process_cpu_seconds_total');
  });

  it('an unknown route answers 404 problem+json', async () => {
    const response = await request(server).get('/no/such/route').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      instance: '/no/such/route',
    });
  });

  it('a malformed JSON body answers 400 problem+json, not 500', async () => {
    const response = await request(server)
      .post('/no/such/route')
      .set('Content-Type', 'application/json')
      .send('{"amountFen": 100,')
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'https://sunlight.example/problems/request/malformed-json',
      status: 400,
    });
  });

  it('a body over the size limit answers 413 problem+json', async () => {
    const response = await request(server)
      .post('/no/such/route')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }))
      .expect(413);
    expect(response.body.type).toBe('https://sunlight.example/problems/request/body-too-large');
  });

  it('echoes a plain incoming X-Request-Id and invents one otherwise', async () => {
    const echoed = await request(server).get('/health').set('X-Request-Id', 'audit-42');
    expect(echoed.headers['x-request-id']).toBe('audit-42');
    const invented = await request(server)
      .get('/health')
      .set('X-Request-Id', '<script>{"level":60}');
    expect(invented.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the app when its database goes away', () => {
  it('GET /health answers 503 with the event store down', async () => {
    const adminUrl = requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL');
    const databaseUrl = await createTestDatabase(adminUrl, 'health_down');
    const { app } = await startTestApp({ DATABASE_URL: databaseUrl });
    try {
      await request(app.getHttpServer()).get('/health').expect(200);
      await dropTestDatabase(databaseUrl);

      const response = await request(app.getHttpServer()).get('/health').expect(503);

      expect(response.body).toMatchObject({
        status: 'error',
        error: { eventStore: { status: 'down' } },
      });
    } finally {
      await app.close();
    }
  });
});
