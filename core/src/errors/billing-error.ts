import { ErrorCode } from './error-code.js';

/**
 * The one error type core throws on purpose. It carries a stable code (never matched by message) and
 * the values the message was built from, so callers and tests can read them without parsing text.
 */
export class BillingError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'BillingError';
    this.code = code;
    this.details = details;
  }

  get kbCode(): number {
    return ErrorCode[this.code].code;
  }

  get kbClassName(): string {
    return ErrorCode[this.code].className;
  }
}

export function isBillingError(e: unknown, code?: ErrorCode): e is BillingError {
  return e instanceof BillingError && (code === undefined || e.code === code);
}
