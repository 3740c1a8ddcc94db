export { ErrorCode } from './error-code.js';
export { BillingError, isBillingError } from './billing-error.js';
