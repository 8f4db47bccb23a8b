import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { InvalidDataError } from '@berth/db';
import { ExecutionFinishedError, ExecutionNotFoundError, InvalidJobRequestError } from '@berth/domain';
import { InvalidScheduleError } from '@berth/jobs';
import type { FastifyReply } from 'fastify';
import { HARBOR_ERROR_STATUS, HarborError, type HarborErrorCode } from './harbor-error.js';

const CODE_BY_STATUS = new Map<number, HarborErrorCode>(
  Object.entries(HARBOR_ERROR_STATUS)
    .filter(([code]) => code !== 'DENIED')
    .map(([code, status]) => [status, code as HarborErrorCode]),
);

/** The one place `/api/v2.0` errors take Harbor's shape; anything unexpected becomes a logged 500. */
@Catch()
export class HarborExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, code, message, headers } = this.describe(exception);
    void reply
      .status(status)
      .headers(headers)
      .type('application/json')
      .send({ errors: [{ code, message }] });
  }

  private describe(exception: unknown): {
    status: number;
    code: string;
    message: string;
    headers: Record<string, string>;
  } {
    if (exception instanceof HarborError) {
      return {
        status: exception.status,
        code: exception.code,
        message: exception.message,
        headers: exception.headers,
      };
    }
    // The job system's refusals, the same for every feature that runs jobs (GC, retention, webhooks…).
    if (exception instanceof ExecutionNotFoundError) {
      return { status: 404, code: 'NOT_FOUND', message: exception.message, headers: {} };
    }
    if (exception instanceof ExecutionFinishedError) {
      return { status: 409, code: 'CONFLICT', message: exception.message, headers: {} };
    }
    if (exception instanceof InvalidJobRequestError || exception instanceof InvalidScheduleError) {
      return { status: 400, code: 'BAD_REQUEST', message: exception.message, headers: {} };
    }
    if (exception instanceof InvalidDataError) {
      // The database refused a value the edge let through: the request's fault, not the server's.
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: `invalid value: ${exception.message}`,
        headers: {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: unknown }).message
          : exception.message;
      const message = Array.isArray(detail) ? detail.join('; ') : String(detail);
      return { status, code: CODE_BY_STATUS.get(status) ?? 'UNKNOWN', message, headers: {} };
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own refusals (malformed JSON, body too large, wrong content type).
      return {
        status: fastifyStatus,
        code: CODE_BY_STATUS.get(fastifyStatus) ?? 'BAD_REQUEST',
        message: (exception as Error).message,
        headers: {},
      };
    }
    const requestId = randomUUID();
    this.logger.error(
      `request ${requestId} failed`,
      exception instanceof Error ? exception.stack : exception,
    );
    return {
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: `internal error (request ${requestId})`,
      headers: {},
    };
  }
}
