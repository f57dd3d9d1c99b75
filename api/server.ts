/**
 * The HTTP API: thin routes over the application functions. Every error leaves through one handler as an
 * application/problem+json body with the error's code and a message that says how to fix the request.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { ServerUnreachableError } from '../infra/reachability';
import type { AssignmentService } from './assignments';
import { AppError } from './errors';

export interface ApiDependencies {
  assignments: AssignmentService;
  pool: Pool;
}

export function buildApi({ assignments, pool }: ApiDependencies): FastifyInstance {
  const app = Fastify({ logger: false });
  type ById = { Params: { id: string } };

  app.post('/assignments', async (request, reply) => reply.code(201).send(await assignments.assign(request.body)));
  app.get<ById>('/assignments/:id', async (request) => assignments.status(request.params.id));
  app.post<ById>('/assignments/:id/acknowledge', async (request) =>
    assignments.acknowledge(request.params.id, request.body, idempotencyKey(request.headers)),
  );
  app.post<ById>('/assignments/:id/reports', async (request) =>
    assignments.submitReport(request.params.id, request.body, idempotencyKey(request.headers)),
  );
  app.post<ById>('/assignments/:id/complete', async (request) =>
    assignments.complete(request.params.id, request.body, idempotencyKey(request.headers)),
  );

  app.get<{ Params: { unit: string } }>('/units/:unit/inbox', async (request) => {
    const { rows } = await pool.query(
      `SELECT occurred_at AS "occurredAt", kind, subject, body, assignment_id AS "assignmentId"
       FROM inbox WHERE recipient = $1 ORDER BY occurred_at, seq`,
      [request.params.unit],
    );
    return rows;
  });

  app.setErrorHandler((error: FastifyError | AppError | Error, _request, reply) => {
    const problem = toProblem(error);
    void reply.code(problem.status).type('application/problem+json').send(problem);
  });
  return app;
}

/** A client that may retry a call sends the same Idempotency-Key each time; it is applied once. */
function idempotencyKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
}

function toProblem(error: Error): Problem {
  if (error instanceof AppError)
    return { status: error.status, code: error.code, title: error.code, detail: error.message };
  if (error instanceof ServerUnreachableError) {
    return { status: 503, code: 'SERVER_UNREACHABLE', title: `${error.server} unreachable`, detail: error.message };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      code: 'INVALID_PAYLOAD',
      title: fastifyError.code ?? 'bad request',
      detail: error.message,
    };
  }
  return { status: 500, code: 'INTERNAL', title: 'internal error', detail: error.message };
}
