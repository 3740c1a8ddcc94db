/**
 * Stable error codes. Where Kill Bill defines the error (kbapi ErrorCode.java) the name and the numeric
 * code are Kill Bill's, so an error body reads exactly as Kill Bill's would; Billwright's own codes live
 * in the 90000 range so they never collide. `className` is the Java exception Kill Bill would name.
 * server/src/errors.ts maps every code to an HTTP status in one table.
 */
export const ErrorCode = {
  // Common (Kill Bill)
  CURRENCY_INVALID: { code: 3, className: 'IllegalArgumentException' },
  UNEXPECTED_ERROR: { code: 4, className: 'IllegalStateException' },
  EXTERNAL_KEY_LIMIT_EXCEEDED: { code: 5, className: 'AccountApiException' },
  // Account (Kill Bill)
  ACCOUNT_ALREADY_EXISTS: { code: 3000, className: 'AccountApiException' },
  ACCOUNT_INVALID_NAME: { code: 3001, className: 'AccountApiException' },
  ACCOUNT_DOES_NOT_EXIST_FOR_ID: { code: 3002, className: 'AccountApiException' },
  ACCOUNT_DOES_NOT_EXIST_FOR_KEY: { code: 3003, className: 'AccountApiException' },
  ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY: { code: 3005, className: 'AccountApiException' },
  ACCOUNT_UPDATE_FAILED: { code: 3007, className: 'AccountApiException' },
  ACCOUNT_EMAIL_ALREADY_EXISTS: { code: 3500, className: 'AccountApiException' },
  // Tag definitions and tags (Kill Bill)
  TAG_DEFINITION_CONFLICTS_WITH_CONTROL_TAG: { code: 3900, className: 'TagDefinitionApiException' },
  TAG_DEFINITION_ALREADY_EXISTS: { code: 3901, className: 'TagDefinitionApiException' },
  TAG_DEFINITION_DOES_NOT_EXIST: { code: 3902, className: 'TagDefinitionApiException' },
  TAG_DEFINITION_IN_USE: { code: 3903, className: 'TagDefinitionApiException' },
  TAG_DEFINITION_HAS_UPPERCASE: { code: 3904, className: 'TagDefinitionApiException' },
  /** Kill Bill's TAG_DEFINITION_DOES_NOT_EXIST raised while tagging: a TagApiException, so 400, not 404. */
  TAG_DEFINITION_DOES_NOT_EXIST_FOR_TAG: { code: 3902, className: 'TagApiException' },
  TAG_DOES_NOT_EXIST: { code: 3950, className: 'TagApiException' },
  TAG_CANNOT_BE_REMOVED: { code: 3951, className: 'TagApiException' },
  TAG_ALREADY_EXISTS: { code: 3952, className: 'TagApiException' },
  TAG_IS_SYSTEM: { code: 3953, className: 'TagApiException' },
  // Custom fields (Kill Bill)
  CUSTOM_FIELD_ALREADY_EXISTS: { code: 9000, className: 'CustomFieldApiException' },
  CUSTOM_FIELD_DOES_NOT_EXISTS_FOR_ID: { code: 9001, className: 'CustomFieldApiException' },
  CUSTOM_FIELD_INVALID_UPDATE: { code: 9002, className: 'CustomFieldApiException' },
  // Tenants (Kill Bill)
  TENANT_ALREADY_EXISTS: { code: 20000, className: 'TenantApiException' },
  TENANT_DOES_NOT_EXIST_FOR_ID: { code: 20001, className: 'TenantApiException' },
  TENANT_DOES_NOT_EXIST_FOR_KEY: { code: 20002, className: 'TenantApiException' },
  TENANT_DOES_NOT_EXIST_FOR_API_KEY: { code: 20003, className: 'TenantApiException' },
  TENANT_NO_SUCH_KEY: { code: 20006, className: 'TenantApiException' },
  // Security (Kill Bill)
  SECURITY_NOT_ENOUGH_PERMISSIONS: { code: 40000, className: 'AuthorizationException' },
  SECURITY_INVALID_USER: { code: 40001, className: 'SecurityApiException' },
  SECURITY_USER_ALREADY_EXISTS: { code: 40002, className: 'SecurityApiException' },
  SECURITY_INVALID_ROLE: { code: 40003, className: 'SecurityApiException' },
  SECURITY_ROLE_ALREADY_EXISTS: { code: 40004, className: 'SecurityApiException' },
  SECURITY_INVALID_PERMISSIONS: { code: 40005, className: 'SecurityApiException' },
  // Catalog (Kill Bill)
  CAT_INVALID_FOR_TENANT: { code: 2080, className: 'CatalogApiException' },
  CAT_ILLEGAL_CHANGE_REQUEST: { code: 2001, className: 'CatalogApiException' },
  CAT_MULTIPLE_MATCHING_PLANS_FOR_PRICELIST: { code: 2002, className: 'CatalogApiException' },
  CAT_PRICE_LIST_NOT_FOUND: { code: 2013, className: 'CatalogApiException' },
  CAT_PLAN_NOT_FOUND: { code: 2020, className: 'CatalogApiException' },
  CAT_NO_SUCH_PLAN: { code: 2021, className: 'CatalogApiException' },
  CAT_NO_SUCH_PRODUCT: { code: 2030, className: 'CatalogApiException' },
  CAT_NO_SUCH_PHASE: { code: 2040, className: 'CatalogApiException' },
  CAT_BAD_PHASE_NAME: { code: 2041, className: 'CatalogApiException' },
  CAT_NO_CATALOG_FOR_GIVEN_DATE: { code: 2050, className: 'CatalogApiException' },
  CAT_NO_PRICE_FOR_CURRENCY: { code: 2010, className: 'CatalogApiException' },
  // Kill Bill numbers both simple-plan errors 2060 (kbapi ErrorCode, CatalogUpdater).
  CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR: { code: 2060, className: 'CatalogApiException' },
  CAT_FAILED_SIMPLE_PLAN_VALIDATION: { code: 2060, className: 'CatalogApiException' },
  // Subscriptions (Kill Bill)
  SUB_INVALID_REQUESTED_DATE: { code: 1001, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_BAD_PHASE: { code: 1011, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_NO_BP: { code: 1013, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS: { code: 1014, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_BP_EXISTS: { code: 1015, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_AO_BP_NON_ACTIVE: { code: 1017, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_AO_ALREADY_INCLUDED: { code: 1018, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_AO_NOT_AVAILABLE: { code: 1019, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER: { code: 1020, className: 'SubscriptionBaseApiException' },
  SUB_CREATE_AO_MAX_PLAN_ALLOWED_BY_BUNDLE: { code: 1025, className: 'SubscriptionBaseApiException' },
  SUB_GET_INVALID_BUNDLE_ID: { code: 1081, className: 'SubscriptionApiException' },
  SUB_INVALID_SUBSCRIPTION_ID: { code: 1082, className: 'SubscriptionApiException' },
  SUB_INVALID_SUBSCRIPTION_EXTERNAL_KEY: { code: 1083, className: 'SubscriptionApiException' },
  SUB_GET_INVALID_BUNDLE_KEY: { code: 1084, className: 'SubscriptionApiException' },
  // Blocking, pause/resume, transfer (Kill Bill)
  NOT_IMPLEMENTED: { code: 1, className: 'EntitlementApiException' },
  SUB_BLOCKING_STATE_INVALID_ARG: { code: 1107, className: 'EntitlementApiException' },
  BLOCK_BLOCKED_ACTION: { code: 6000, className: 'BlockingApiException' },
  ENT_ALREADY_BLOCKED: { code: 8001, className: 'EntitlementApiException' },
  // Change, cancel, uncancel, undo change (Kill Bill)
  SUB_CHANGE_NON_ACTIVE: { code: 1021, className: 'SubscriptionBaseApiException' },
  SUB_CHANGE_FUTURE_CANCELLED: { code: 1022, className: 'SubscriptionBaseApiException' },
  SUB_CHANGE_INVALID: { code: 1023, className: 'SubscriptionBaseApiException' },
  SUB_CHANGE_AO_MAX_PLAN_ALLOWED_BY_BUNDLE: { code: 1025, className: 'SubscriptionBaseApiException' },
  SUB_CANCEL_BAD_STATE: { code: 1031, className: 'SubscriptionBaseApiException' },
  SUB_UNCANCEL_BAD_STATE: { code: 1070, className: 'SubscriptionBaseApiException' },
  SUB_UNDO_CHANGE_BAD_STATE: { code: 1071, className: 'SubscriptionBaseApiException' },
  ENT_UNCANCEL_BAD_STATE: { code: 8004, className: 'EntitlementApiException' },
  // Invoices: runs and reads (Kill Bill)
  INVOICE_ACCOUNT_ID_INVALID: { code: 4001, className: 'InvoiceApiException' },
  INVOICE_TARGET_DATE_TOO_FAR_IN_THE_FUTURE: { code: 4005, className: 'InvoiceApiException' },
  INVOICE_NOT_FOUND: { code: 4006, className: 'InvoiceApiException' },
  INVOICE_NOTHING_TO_DO: { code: 4007, className: 'InvoiceApiException' },
  INVOICE_ITEM_NOT_FOUND: { code: 4011, className: 'InvoiceApiException' },
  INVOICE_NUMBER_NOT_FOUND: { code: 4018, className: 'InvoiceApiException' },
  INVOICE_INVALID_NUMBER: { code: 4019, className: 'InvoiceApiException' },
  // Invoices: explicit writes (Kill Bill; core/src/invoice/operations.ts)
  ACCOUNT_DOES_NOT_HAVE_PARENT_ACCOUNT: { code: 3009, className: 'InvoiceApiException' },
  INVOICE_NO_SUCH_CREDIT: { code: 4008, className: 'InvoiceApiException' },
  CREDIT_AMOUNT_INVALID: { code: 4009, className: 'InvoiceApiException' },
  INVOICE_ITEM_ADJUSTMENT_AMOUNT_SHOULD_BE_POSITIVE: { code: 4010, className: 'InvoiceApiException' },
  INVOICE_INVALID_FOR_INVOICE_ITEM_ADJUSTMENT: { code: 4012, className: 'InvoiceApiException' },
  EXTERNAL_CHARGE_AMOUNT_INVALID: { code: 4015, className: 'InvoiceApiException' },
  INVOICE_ITEM_ADJUSTMENT_AMOUNT_INVALID: { code: 4020, className: 'InvoiceApiException' },
  INVOICE_ITEM_ADJUSTMENT_ITEM_INVALID: { code: 4021, className: 'InvoiceApiException' },
  INVOICE_INVALID_STATUS: { code: 4023, className: 'InvoiceApiException' },
  INVOICE_ALREADY_COMMITTED: { code: 4024, className: 'InvoiceApiException' },
  INVOICE_ITEMS_ADJUSTMENT_MISSING: { code: 4025, className: 'InvoiceApiException' },
  CHILD_ACCOUNT_MISSING_CREDIT: { code: 4027, className: 'InvoiceApiException' },
  CAN_NOT_VOID_INVOICE_THAT_IS_PAID: { code: 4028, className: 'InvoiceApiException' },
  INVOICE_CBA_DELETED: { code: 4030, className: 'InvoiceApiException' },
  INVOICE_VOID_UPDATED: { code: 4031, className: 'InvoiceApiException' },
  CAN_NOT_VOID_INVOICE_THAT_IS_REPAIRED: { code: 4032, className: 'InvoiceApiException' },
  CAN_NOT_VOID_INVOICE_THAT_GENERATED_USED_CREDIT: { code: 4033, className: 'InvoiceApiException' },
  // Billwright's own (no Kill Bill equivalent code; Kill Bill answers these with a bare exception)
  INVALID_PARAMETER: { code: 90000, className: 'IllegalArgumentException' },
  MALFORMED_REQUEST: { code: 90001, className: 'JsonParseException' },
  PAYLOAD_TOO_LARGE: { code: 90002, className: 'PayloadTooLargeException' },
  NOT_FOUND: { code: 90003, className: 'NotFoundException' },
  NOT_AUTHENTICATED: { code: 90004, className: 'AuthenticationException' },
  TENANT_NOT_SUPPLIED: { code: 90005, className: 'IllegalArgumentException' },
  CUSTOM_FIELD_DOES_NOT_EXIST: { code: 90006, className: 'CustomFieldApiException' },
  TEST_MODE_DISABLED: { code: 90007, className: 'NotFoundException' },
  CONFLICT: { code: 90008, className: 'IllegalStateException' },
  /** A tag whose definition does not apply to the object's type (Kill Bill: IllegalStateException, TODO TAG_NOT_APPLICABLE). */
  TAG_NOT_APPLICABLE: { code: 90020, className: 'TagApiException' },
  // Plugin packages and node commands (Kill Bill's OSGi layer answers these with bare exceptions)
  PLUGIN_INVALID_PACKAGE: { code: 90040, className: 'IllegalArgumentException' },
  PLUGIN_NOT_INSTALLED: { code: 90041, className: 'NotFoundException' },
  PLUGIN_ALREADY_INSTALLED: { code: 90042, className: 'IllegalStateException' },
  /** Install by npm package name: the registry has no such package or version. */
  PLUGIN_PACKAGE_NOT_FOUND: { code: 90043, className: 'NotFoundException' },
  /** Install by npm package name: npm pack failed otherwise (registry unreachable, integrity, auth). */
  PLUGIN_FETCH_FAILED: { code: 90044, className: 'IllegalStateException' },
  /** A package or node command naming a built-in plugin (`__EXTERNAL_PAYMENT__`, `__INVOICE_PAYMENT_CONTROL_PLUGIN__`). */
  PLUGIN_RESERVED_NAME: { code: 90045, className: 'IllegalArgumentException' },
  // Plugin calls (core/src/plugins): typed failures the caller maps (payments: PLUGIN_FAILURE / UNKNOWN).
  PLUGIN_ERROR: { code: 90030, className: 'PluginApiException' },
  PLUGIN_TIMEOUT: { code: 90031, className: 'PluginTimeoutException' },
  PLUGIN_CRASHED: { code: 90032, className: 'PluginApiException' },
  PLUGIN_UNAVAILABLE: { code: 90033, className: 'PluginUnavailableException' },
  /** An uploaded invoice template (or manual-pay template) that is empty or does not parse as Mustache. */
  INVOICE_TEMPLATE_INVALID: { code: 90080, className: 'IllegalArgumentException' },
  // Invoice plugins (core/src/plugins/invoice-plugins.ts): Kill Bill's where it has them, else ours.
  INVOICE_ITEM_TYPE_INVALID: { code: 4022, className: 'InvoiceApiException' },
  INVOICE_PLUGIN_API_ABORTED: { code: 4029, className: 'InvoiceApiException' },
  /** An invoice plugin threw, timed out, crashed or is not running: the run fails, the account is parked. */
  INVOICE_PLUGIN_FAILED: { code: 90070, className: 'InvoicePluginApiException' },
  /** An invoice plugin returned an item the host cannot write (bad amount, other currency, unknown link). */
  INVOICE_PLUGIN_INVALID_ITEM: { code: 90071, className: 'InvoicePluginApiException' },
  // Payments (Kill Bill's 7000 range; core/src/payment)
  PAYMENT_NO_SUCH_PAYMENT_METHOD: { code: 7000, className: 'PaymentApiException' },
  PAYMENT_REFUND_AMOUNT_NEGATIVE_OR_NULL: { code: 7001, className: 'PaymentApiException' },
  /** withPluginInfo on one method (or an account's): the plugin's getPaymentMethodDetail failed. */
  PAYMENT_GET_PAYMENT_METHODS: { code: 7004, className: 'PaymentApiException' },
  PAYMENT_ADD_PAYMENT_METHOD: { code: 7005, className: 'PaymentApiException' },
  PAYMENT_REFRESH_PAYMENT_METHOD: { code: 7006, className: 'PaymentApiException' },
  PAYMENT_DEL_PAYMENT_METHOD: { code: 7007, className: 'PaymentApiException' },
  PAYMENT_NO_SUCH_PAYMENT: { code: 7020, className: 'PaymentApiException' },
  PAYMENT_NO_DEFAULT_PAYMENT_METHOD: { code: 7021, className: 'PaymentApiException' },
  PAYMENT_DEL_DEFAULT_PAYMENT_METHOD: { code: 7022, className: 'PaymentApiException' },
  PAYMENT_EXTERNAL_PAYMENT_METHOD_ALREADY_EXISTS: { code: 7023, className: 'PaymentApiException' },
  PAYMENT_NO_SUCH_SUCCESS_PAYMENT: { code: 7024, className: 'PaymentApiException' },
  PAYMENT_NO_SUCH_PAYMENT_PLUGIN: { code: 7028, className: 'PaymentApiException' },
  PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS: { code: 7030, className: 'PaymentApiException' },
  PAYMENT_INVALID_PARAMETER: { code: 7031, className: 'PaymentApiException' },
  PAYMENT_INVALID_OPERATION: { code: 7032, className: 'PaymentApiException' },
  PAYMENT_METHOD_DIFFERENT_ACCOUNT_ID: { code: 7033, className: 'PaymentApiException' },
  PAYMENT_DIFFERENT_ACCOUNT_ID: { code: 7034, className: 'PaymentApiException' },
  PAYMENT_TRANSACTION_DIFFERENT_ACCOUNT_ID: { code: 7035, className: 'PaymentApiException' },
  PAYMENT_PLUGIN_TIMEOUT: { code: 7100, className: 'PaymentApiException' },
  /** withPluginInfo on one payment: the plugin's getPaymentInfo failed. */
  PAYMENT_PLUGIN_GET_PAYMENT_INFO: { code: 7102, className: 'PaymentApiException' },
  /** A payment search in one named plugin (pluginName): its searchPayments failed. */
  PAYMENT_PLUGIN_SEARCH_PAYMENTS: { code: 7105, className: 'PaymentApiException' },
  PAYMENT_PLUGIN_API_ABORTED: { code: 7106, className: 'PaymentApiException' },
  PAYMENT_PLUGIN_EXCEPTION: { code: 7199, className: 'PaymentApiException' },
  /** A transaction with this key is being processed right now (another request, maybe on another node). */
  PAYMENT_TRANSACTION_IN_FLIGHT: { code: 90090, className: 'PaymentApiException' },
  // Usage (Kill Bill's 50000 range; core/src/usage)
  USAGE_RECORD_TRACKING_ID_ALREADY_EXISTS: { code: 50000, className: 'UsageApiException' },
} as const satisfies Record<string, { code: number; className: string }>;

export type ErrorCode = keyof typeof ErrorCode;
