/**
 * The one error type of Hexbase: flat, with a stable `code` and a `kind` that decides how it is
 * answered (HTTP status) or handled by a consumer (ack, retry, dead-letter).
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** The resource existed and was removed on purpose (retention): asking again will not help. */
  | 'gone'
  | 'precondition_failed'
  | 'precondition_required'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'not_implemented'
  | 'unavailable'
  | 'internal';

/** One violated rule: which field (a JSON Pointer into the request) and which rule. */
export interface FieldViolation {
  field: string;
  rule: string;
  message: string;
}

export class HexbaseError extends Error {
  override readonly name = 'HexbaseError';
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly violations: FieldViolation[] = [],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function validationError(code: string, message: string, violations: FieldViolation[]): HexbaseError {
  return new HexbaseError(code, 'validation', message, violations);
}

export function notFound(code: string, message: string): HexbaseError {
  return new HexbaseError(code, 'not_found', message);
}

export function conflict(code: string, message: string, extensions: Record<string, unknown> = {}): HexbaseError {
  return new HexbaseError(code, 'conflict', message, [], extensions);
}

export function unavailable(code: string, message: string, retryAfterSeconds: number): HexbaseError {
  return new HexbaseError(code, 'unavailable', message, [], { retryAfter: retryAfterSeconds });
}

export function isHexbaseError(error: unknown): error is HexbaseError {
  return error instanceof HexbaseError;
}

export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  precondition_required: 428,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  not_implemented: 501,
  unavailable: 503,
  internal: 500,
};

/** Error kinds a consumer may retry: the same message can succeed later. Everything else is dead-lettered at once. */
export const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['unavailable', 'internal', 'rate_limited', 'conflict']);
