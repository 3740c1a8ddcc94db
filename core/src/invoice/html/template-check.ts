import { BillingError } from '../../errors/index.js';
import { parseTemplate, TemplateSyntaxError } from './mustache.js';

export const MAX_INVOICE_TEMPLATE_CHARS = 1024 * 1024;

/**
 * The checks an uploaded invoice template passes before it is stored: it must be non-empty text that
 * parses as Mustache, so a typo is a 400 at upload naming the line, never a failure at render time.
 */
export function checkInvoiceTemplate(template: string, what = 'invoice template'): void {
  if (template.trim() === '') throw new BillingError('INVOICE_TEMPLATE_INVALID', `The ${what} is empty`);
  if (template.length > MAX_INVOICE_TEMPLATE_CHARS) {
    throw new BillingError('PAYLOAD_TOO_LARGE', `The ${what} must have at most ${MAX_INVOICE_TEMPLATE_CHARS} characters`);
  }
  if (/[\u0000-\u0008\u000B\u000E-\u001F\u007F\uFFFD]/.test(template)) {
    throw new BillingError('INVOICE_TEMPLATE_INVALID', `The ${what} must be text (binary content found)`);
  }
  try {
    parseTemplate(template);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    throw new BillingError('INVOICE_TEMPLATE_INVALID', `The ${what} is not a valid Mustache template: ${e.message}`, {
      reason: e.reason,
      line: e.line,
      column: e.column,
    });
  }
}
