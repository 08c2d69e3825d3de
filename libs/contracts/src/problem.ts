import { HTTP_STATUS_BY_KIND, type FieldViolation, type HexbaseError } from './errors';

/** RFC 9457 problem document as Hexbase answers it. `type` resolves to the error catalogue in docs/problems.md. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldViolation[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemTypeUri(code: string): string {
  return `/docs/problems#${code.toLowerCase().replace(/_/g, '-')}`;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function titleForStatus(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function problemFromError(error: HexbaseError, instance?: string): ProblemDocument {
  const status = HTTP_STATUS_BY_KIND[error.kind];
  const problem: ProblemDocument = {
    type: problemTypeUri(error.code),
    title: titleForStatus(status),
    status,
    detail: error.message,
    code: error.code,
    ...error.extensions,
  };
  if (instance) problem.instance = instance;
  if (error.violations.length > 0) problem.errors = error.violations;
  return problem;
}
