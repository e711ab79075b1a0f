import {
  Catch,
  ServiceUnavailableException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';

interface JsonResponse {
  status(code: number): { json(body: unknown): unknown };
}

/**
 * A failed health check keeps terminus's own body (`{status:'error', info, error, details}`)
 * instead of becoming problem+json: probes and dashboards read that shape for both outcomes.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFailureFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(exception.getStatus())
      .json(exception.getResponse());
  }
}
