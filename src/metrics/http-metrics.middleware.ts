import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsRegistry } from './metrics.registry';

/** Express adds these once a route matched; unmatched requests have neither. */
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/**
 * Times every request, including ones that never reach a controller (404s, unparsable bodies),
 * which an interceptor would miss. The route label is the matched pattern, never the raw URL,
 * so ids in paths cannot blow up the number of series.
 */
export function httpMetricsMiddleware(metrics: MetricsRegistry) {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    response.once('finish', () => {
      const pattern = request.route?.path;
      const route =
        typeof pattern === 'string' ? `${request.baseUrl ?? ''}${pattern}` : 'unmatched';
      stopTimer({
        method: request.method ?? 'UNKNOWN',
        route,
        status: String(response.statusCode),
      });
    });
    next();
  };
}
