// Proves request logging never writes a bearer token, keeps full requests in access lines (info and below), and names a failed request by id, method and url alone at quieter levels.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import pinoHttp, { type Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { loggerParams } from './logger.params';

/** The lines pino-http writes for one POST that fails with 500, at `logLevel`. */
function linesForFailedRequest(logLevel: AppConfig['logLevel']): Record<string, any>[] {
  const written: string[] = [];
  const params = loggerParams({ logLevel } as AppConfig);
  const middleware = pinoHttp(params.pinoHttp as Options, {
    write: (line: string) => void written.push(line),
  });
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.url = '/api/v1/funds/f1/disbursements';
  request.headers = { authorization: 'Bearer secret-token-123', 'x-request-id': 'req-7' };
  const response = new ServerResponse(request);
  middleware(request, response);
  response.writeHead(500);
  response.emit('finish');
  expect(written.join('')).not.toContain('secret-token-123');
  return written.map((line) => JSON.parse(line) as Record<string, any>);
}

describe('request logging', () => {
  it.each(['warn', 'error'] as const)(
    'at %s, names a failed request by id, method and url, without headers',
    (level) => {
      const [line, ...others] = linesForFailedRequest(level);
      expect(others).toEqual([]);
      expect(line).toMatchObject({ level: 50, requestId: 'req-7', res: { statusCode: 500 } });
      expect(line?.req).toEqual({
        id: 'req-7',
        method: 'POST',
        url: '/api/v1/funds/f1/disbursements',
      });
    },
  );

  it('at info, logs the full request with the authorization header redacted', () => {
    const [line] = linesForFailedRequest('info');
    expect(line?.req).toMatchObject({
      id: 'req-7',
      method: 'POST',
      url: '/api/v1/funds/f1/disbursements',
    });
    expect(line?.req.headers).toMatchObject({
      authorization: '[redacted]',
      'x-request-id': 'req-7',
    });
  });

  it('at silent, writes nothing', () => {
    expect(linesForFailedRequest('silent')).toEqual([]);
  });
});
