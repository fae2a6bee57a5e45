/**
 * One error shape for the API and the CLI: RFC 9457 problem details with a stable machine-readable `code`,
 * a human `detail`, per-field `errors[]`, and the request id (added at the edge).
 */
import { Type, type Static } from '@sinclair/typebox';

export const FieldErrorSchema = Type.Object({
  field: Type.String({ description: 'Where: a query parameter, a JSON path, or `file:line`' }),
  message: Type.String(),
  value: Type.Optional(Type.String({ description: 'The value given, when there was one' })),
});
export type FieldError = Static<typeof FieldErrorSchema>;

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    detail: string,
    errors: FieldError[] = [],
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.headers = headers;
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) =>
  new AppError(400, 'bad-request', detail, errors);
export const invalidParameter = (field: string, message: string, value?: string) =>
  new AppError(400, 'invalid-parameter', `${field}: ${message}`, [{ field, message, value }]);
export const notFound = (what: string, id: string) => new AppError(404, 'not-found', `${what} "${id}" does not exist.`);

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/**
 * The body of every error response, `application/problem+json`. Registered once as the shared schema `Problem`
 * (buildHttp), which routes name through `problemResponses`, so the OpenAPI document holds it once.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem' }),
    title: Type.String({ description: 'The HTTP status in words' }),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable and machine-readable, e.g. invalid-parameter, not-found, too-large' }),
    detail: Type.String({ description: 'What went wrong and how to put it right (5xx: not why; that is logged)' }),
    errors: Type.Array(FieldErrorSchema, { description: 'One entry per field at fault' }),
    requestId: Type.Optional(Type.String({ description: 'The request id, also sent as the x-request-id header' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);
export type Problem = Static<typeof ProblemSchema>;

type ProblemStatus = 301 | 400 | 401 | 403 | 404 | 406 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
// By reference: the JSON names the shared schema; the type is ProblemSchema's own (Fastify's reply types resolve a
// TObject, not a TypeBox Unsafe or Ref, and would otherwise stop checking what handlers return).
const PROBLEM_REF = Type.Ref('Problem') as unknown as typeof ProblemSchema;
const PROBLEM_CONTENT = { 'application/problem+json': { schema: PROBLEM_REF } };
type ProblemResponse = { description: string; content: typeof PROBLEM_CONTENT };

/** What each error status means on this service, for the OpenAPI description; a route may say more with `because`. */
const MEANINGS: Record<ProblemStatus, string> = {
  301: 'Moved: the Location header gives the current address',
  400: 'A parameter or the body is invalid, unknown or repeated: `errors` names each one',
  401: 'Not signed in',
  403: 'Signed in without the role needed, or the CSRF token is missing or wrong',
  404: 'Not found',
  406: 'Not acceptable: ask for a format this route serves',
  409: 'Conflict',
  413: 'Too large: narrow the request or use the bulk downloads',
  415: 'Unsupported media type',
  422: 'Cannot be processed as asked',
  429: 'Too many requests: the Retry-After header says when to try again',
  500: 'Something went wrong on our side: the request id identifies it in our logs',
  503: 'Unavailable for now',
};

/**
 * The error responses a route declares, each the one problem shape as `application/problem+json`: a status, or a
 * status with what it means on that route. Declared statuses are serialized by the schema, so it must stay complete.
 */
export function problemResponses<const S extends ProblemStatus>(
  ...statuses: (S | readonly [S, string])[]
): Record<S, ProblemResponse> {
  const out = {} as Record<S, ProblemResponse>;
  for (const s of statuses) {
    const status: S = typeof s === 'number' ? s : s[0];
    out[status] = { description: typeof s === 'number' ? MEANINGS[s] : s[1], content: PROBLEM_CONTENT };
  }
  return out;
}

export function toProblem(err: AppError, requestId?: string): Problem {
  return {
    type: `https://sli.example/problems/${err.code}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    code: err.code,
    detail: err.message,
    errors: err.errors,
    requestId,
  };
}
