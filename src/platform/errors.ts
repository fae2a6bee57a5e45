/**
 * One error shape for the API and the CLI: RFC 9457 problem details with a stable machine-readable `code`,
 * a human `detail`, per-field `errors[]`, and the request id (added at the edge).
 */
export interface FieldError {
  /** Where: a query parameter, a JSON path, or `file:line`. */
  field: string;
  message: string;
  value?: string | undefined;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, detail: string, errors: FieldError[] = [], headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.headers = headers;
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) => new AppError(400, 'bad-request', detail, errors);
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

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors: FieldError[];
  requestId?: string | undefined;
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
