import { BillingError, ErrorCode } from '@billwright/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.js';

/**
 * The one table from error code to HTTP status. Kill Bill's mappers answer 404 for unknown ids, 409 for
 * duplicates, 400 for invalid input; a missing permission is 403 here (Kill Bill says 401, with a TODO).
 */
const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  CURRENCY_INVALID: 400,
  UNEXPECTED_ERROR: 500,
  EXTERNAL_KEY_LIMIT_EXCEEDED: 400,
  ACCOUNT_ALREADY_EXISTS: 409,
  ACCOUNT_INVALID_NAME: 400,
  ACCOUNT_DOES_NOT_EXIST_FOR_ID: 404,
  ACCOUNT_DOES_NOT_EXIST_FOR_KEY: 404,
  ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY: 400,
  ACCOUNT_UPDATE_FAILED: 400,
  ACCOUNT_EMAIL_ALREADY_EXISTS: 409,
  TAG_DEFINITION_CONFLICTS_WITH_CONTROL_TAG: 409,
  TAG_DEFINITION_ALREADY_EXISTS: 409,
  TAG_DEFINITION_DOES_NOT_EXIST: 404,
  TAG_DEFINITION_IN_USE: 400,
  TAG_DEFINITION_HAS_UPPERCASE: 400,
  TAG_DEFINITION_DOES_NOT_EXIST_FOR_TAG: 400,
  TAG_DOES_NOT_EXIST: 404,
  TAG_CANNOT_BE_REMOVED: 400,
  TAG_ALREADY_EXISTS: 409,
  TAG_IS_SYSTEM: 400,
  TAG_NOT_APPLICABLE: 400,
  CUSTOM_FIELD_ALREADY_EXISTS: 409,
  CUSTOM_FIELD_DOES_NOT_EXISTS_FOR_ID: 404,
  CUSTOM_FIELD_INVALID_UPDATE: 400,
  TENANT_ALREADY_EXISTS: 409,
  TENANT_DOES_NOT_EXIST_FOR_ID: 404,
  TENANT_DOES_NOT_EXIST_FOR_KEY: 404,
  TENANT_DOES_NOT_EXIST_FOR_API_KEY: 404,
  TENANT_NO_SUCH_KEY: 404,
  SECURITY_NOT_ENOUGH_PERMISSIONS: 403,
  SECURITY_INVALID_USER: 400,
  SECURITY_USER_ALREADY_EXISTS: 409,
  SECURITY_INVALID_ROLE: 400,
  SECURITY_ROLE_ALREADY_EXISTS: 409,
  SECURITY_INVALID_PERMISSIONS: 400,
  CAT_INVALID_FOR_TENANT: 400,
  // Kill Bill's CatalogApiExceptionMapper answers every catalog error 400.
  CAT_ILLEGAL_CHANGE_REQUEST: 400,
  CAT_MULTIPLE_MATCHING_PLANS_FOR_PRICELIST: 400,
  CAT_PRICE_LIST_NOT_FOUND: 400,
  CAT_PLAN_NOT_FOUND: 400,
  CAT_NO_SUCH_PLAN: 400,
  CAT_NO_SUCH_PRODUCT: 400,
  CAT_NO_SUCH_PHASE: 400,
  CAT_BAD_PHASE_NAME: 400,
  CAT_NO_CATALOG_FOR_GIVEN_DATE: 400,
  CAT_NO_PRICE_FOR_CURRENCY: 400,
  CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR: 400,
  CAT_FAILED_SIMPLE_PLAN_VALIDATION: 400,
  // Kill Bill's SubscriptionApiExceptionMapper: unknown ids 404, every creation rule 400.
  SUB_INVALID_REQUESTED_DATE: 400,
  SUB_CREATE_BAD_PHASE: 400,
  SUB_CREATE_NO_BP: 400,
  SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS: 400,
  SUB_CREATE_BP_EXISTS: 400,
  SUB_CREATE_AO_BP_NON_ACTIVE: 400,
  SUB_CREATE_AO_ALREADY_INCLUDED: 400,
  SUB_CREATE_AO_NOT_AVAILABLE: 400,
  SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER: 400,
  SUB_CREATE_AO_MAX_PLAN_ALLOWED_BY_BUNDLE: 400,
  SUB_GET_INVALID_BUNDLE_ID: 404,
  SUB_INVALID_SUBSCRIPTION_ID: 404,
  SUB_INVALID_SUBSCRIPTION_EXTERNAL_KEY: 404,
  SUB_GET_INVALID_BUNDLE_KEY: 404,
  // A refused operation, not a server fault: 400, so clients see it as bad input, not an outage.
  NOT_IMPLEMENTED: 400,
  SUB_BLOCKING_STATE_INVALID_ARG: 400,
  // EntitlementApiExceptionMapper: BLOCK_BLOCKED_ACTION falls back to 400, ENT_ALREADY_BLOCKED is a conflict.
  BLOCK_BLOCKED_ACTION: 400,
  ENT_ALREADY_BLOCKED: 409,
  // Change/cancel state rules: SubscriptionApiExceptionMapper answers them 400.
  SUB_CHANGE_NON_ACTIVE: 400,
  SUB_CHANGE_FUTURE_CANCELLED: 400,
  SUB_CHANGE_INVALID: 400,
  SUB_CHANGE_AO_MAX_PLAN_ALLOWED_BY_BUNDLE: 400,
  SUB_CANCEL_BAD_STATE: 400,
  SUB_UNCANCEL_BAD_STATE: 400,
  SUB_UNDO_CHANGE_BAD_STATE: 400,
  ENT_UNCANCEL_BAD_STATE: 400,
  // InvoiceApiExceptionMapper: unknown ids 404; nothing to invoice is a 404 on POST /invoices (dry run answers 204 itself).
  INVOICE_ACCOUNT_ID_INVALID: 404,
  INVOICE_TARGET_DATE_TOO_FAR_IN_THE_FUTURE: 400,
  INVOICE_NOT_FOUND: 404,
  INVOICE_NOTHING_TO_DO: 404,
  INVOICE_ITEM_NOT_FOUND: 404,
  INVOICE_NUMBER_NOT_FOUND: 404,
  INVOICE_INVALID_NUMBER: 400,
  // Explicit invoice writes: InvoiceApiExceptionMapper answers 404 for an unknown credit, else 400 (its fallback).
  ACCOUNT_DOES_NOT_HAVE_PARENT_ACCOUNT: 400,
  INVOICE_NO_SUCH_CREDIT: 404,
  CREDIT_AMOUNT_INVALID: 400,
  INVOICE_ITEM_ADJUSTMENT_AMOUNT_SHOULD_BE_POSITIVE: 400,
  INVOICE_INVALID_FOR_INVOICE_ITEM_ADJUSTMENT: 400,
  EXTERNAL_CHARGE_AMOUNT_INVALID: 400,
  INVOICE_ITEM_ADJUSTMENT_AMOUNT_INVALID: 400,
  INVOICE_ITEM_ADJUSTMENT_ITEM_INVALID: 400,
  INVOICE_INVALID_STATUS: 400,
  INVOICE_ALREADY_COMMITTED: 400,
  INVOICE_ITEMS_ADJUSTMENT_MISSING: 400,
  CHILD_ACCOUNT_MISSING_CREDIT: 400,
  CAN_NOT_VOID_INVOICE_THAT_IS_PAID: 400,
  INVOICE_CBA_DELETED: 400,
  INVOICE_VOID_UPDATED: 400,
  CAN_NOT_VOID_INVOICE_THAT_IS_REPAIRED: 400,
  CAN_NOT_VOID_INVOICE_THAT_GENERATED_USED_CREDIT: 400,
  INVALID_PARAMETER: 400,
  USAGE_RECORD_TRACKING_ID_ALREADY_EXISTS: 409,
  PLUGIN_INVALID_PACKAGE: 400,
  PLUGIN_NOT_INSTALLED: 404,
  PLUGIN_ALREADY_INSTALLED: 409,
  PLUGIN_PACKAGE_NOT_FOUND: 404,
  PLUGIN_FETCH_FAILED: 502,
  PLUGIN_RESERVED_NAME: 400,
  MALFORMED_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  NOT_AUTHENTICATED: 401,
  TENANT_NOT_SUPPLIED: 401,
  CUSTOM_FIELD_DOES_NOT_EXIST: 404,
  TEST_MODE_DISABLED: 404,
  CONFLICT: 409,
  // A plugin failed behind us: a bad gateway, not bad input; a tripped circuit is a temporary outage.
  PLUGIN_ERROR: 502,
  PLUGIN_TIMEOUT: 504,
  PLUGIN_CRASHED: 502,
  PLUGIN_UNAVAILABLE: 503,
  INVOICE_TEMPLATE_INVALID: 400,
  INVOICE_ITEM_TYPE_INVALID: 400,
  // Like a payment control plugin's abort (PAYMENT_PLUGIN_API_ABORTED 422); a failing invoice plugin is a bad gateway.
  INVOICE_PLUGIN_API_ABORTED: 422,
  INVOICE_PLUGIN_FAILED: 502,
  INVOICE_PLUGIN_INVALID_ITEM: 502,
  // PaymentApiExceptionMapper: unknown ids 404, bad input 400 (its fallback), plugin timeout 504, control abort 422.
  PAYMENT_NO_SUCH_PAYMENT_METHOD: 404,
  PAYMENT_REFUND_AMOUNT_NEGATIVE_OR_NULL: 500,
  PAYMENT_GET_PAYMENT_METHODS: 500,
  PAYMENT_ADD_PAYMENT_METHOD: 400,
  PAYMENT_REFRESH_PAYMENT_METHOD: 500,
  PAYMENT_DEL_PAYMENT_METHOD: 500,
  PAYMENT_NO_SUCH_PAYMENT: 404,
  PAYMENT_NO_DEFAULT_PAYMENT_METHOD: 404,
  PAYMENT_DEL_DEFAULT_PAYMENT_METHOD: 400,
  PAYMENT_EXTERNAL_PAYMENT_METHOD_ALREADY_EXISTS: 400,
  PAYMENT_NO_SUCH_SUCCESS_PAYMENT: 404,
  PAYMENT_NO_SUCH_PAYMENT_PLUGIN: 400,
  PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS: 400,
  PAYMENT_INVALID_PARAMETER: 400,
  PAYMENT_INVALID_OPERATION: 400,
  PAYMENT_METHOD_DIFFERENT_ACCOUNT_ID: 400,
  PAYMENT_DIFFERENT_ACCOUNT_ID: 400,
  PAYMENT_TRANSACTION_DIFFERENT_ACCOUNT_ID: 400,
  PAYMENT_PLUGIN_TIMEOUT: 504,
  PAYMENT_PLUGIN_GET_PAYMENT_INFO: 500,
  // Kill Bill's fallback mapping (a cause that is no BillingExceptionBase): 400.
  PAYMENT_PLUGIN_SEARCH_PAYMENTS: 400,
  PAYMENT_PLUGIN_API_ABORTED: 422,
  PAYMENT_PLUGIN_EXCEPTION: 502,
  PAYMENT_TRANSACTION_IN_FLIGHT: 409,
};

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/** Kill Bill's BillingExceptionJson. */
export interface ErrorJson {
  className: string;
  code: number;
  message: string;
  causeClassName: string | null;
  causeMessage: string | null;
  stackTrace: unknown[];
}

export function errorJson(e: BillingError): ErrorJson {
  return { className: e.kbClassName, code: e.kbCode, message: e.message, causeClassName: null, causeMessage: null, stackTrace: [] };
}

export function renderError(e: BillingError, c: Context<AppEnv>): Response {
  if (e.code === 'NOT_AUTHENTICATED') c.header('WWW-Authenticate', 'Basic realm="killbill"');
  // The rest of an oversized body is never read: the connection cannot carry another request.
  if (e.code === 'PAYLOAD_TOO_LARGE') c.header('Connection', 'close');
  return c.json(errorJson(e), statusOf(e.code));
}

/** app.onError: typed errors render as Kill Bill's JSON; anything else is logged and answered 500. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof BillingError) return renderError(err, c);
  if (err instanceof HTTPException) {
    const code: ErrorCode = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 401 ? 'NOT_AUTHENTICATED' : 'MALFORMED_REQUEST';
    return renderError(new BillingError(code, err.message || 'Bad request'), c);
  }
  c.get('logger')?.error({ err }, 'unhandled error');
  return c.json(errorJson(new BillingError('UNEXPECTED_ERROR', 'Internal error')), 500);
}

export function notFound(c: Context<AppEnv>): Response {
  return renderError(new BillingError('NOT_FOUND', `No resource at ${c.req.method} ${c.req.path}`), c);
}

export { ErrorCode };
