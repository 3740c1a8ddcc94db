import type { FilterQuery } from '@mikro-orm/core';
import { BillingError } from '../errors/index.js';
import type { AccountRow } from './model.js';

/** A search key starting with this is Kill Bill's advanced query (`_q=1&currency=USD&name[like]=Jo%`). */
export const SEARCH_QUERY_MARKER = '_q=1';

/** The columns an advanced query may name (DefaultAccountDao.searchAccounts' allow list), by their SQL names. */
const COLUMNS: Record<string, keyof AccountRow> = {
  id: 'id', external_key: 'externalKey', email: 'email', name: 'name', first_name_length: 'firstNameLength',
  currency: 'currency', billing_cycle_day_local: 'billingCycleDayLocal', parent_account_id: 'parentAccountId',
  is_payment_delegated_to_parent: 'isPaymentDelegatedToParent', payment_method_id: 'paymentMethodId',
  reference_time: 'referenceTime', time_zone: 'timeZone', locale: 'locale', address1: 'address1', address2: 'address2',
  company_name: 'companyName', city: 'city', state_or_province: 'stateOrProvince', country: 'country',
  postal_code: 'postalCode', phone: 'phone', notes: 'notes', migrated: 'migrated', created_by: 'createdBy',
  created_date: 'createdDate', updated_by: 'updatedBy', updated_date: 'updatedDate',
};
const BOOLEAN_COLUMNS = new Set(['is_payment_delegated_to_parent', 'migrated']);
const NUMBER_COLUMNS = new Set(['first_name_length', 'billing_cycle_day_local']);
const OPERATORS = { eq: '$eq', neq: '$ne', gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte', like: '$like' } as const;

function typed(column: string, value: string | undefined): unknown {
  if (BOOLEAN_COLUMNS.has(column)) return value === 'true';
  if (NUMBER_COLUMNS.has(column) && value !== undefined && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return value ?? null;
}

/**
 * Kill Bill's SearchQuery: `&`-separated `column=value` or `column[op]=value` clauses, all ANDed; columns
 * outside the allow list are skipped, as Kill Bill skips them; an unknown operator is a 400.
 */
export function advancedSearchFilter(searchKey: string): FilterQuery<AccountRow> {
  const clauses: FilterQuery<AccountRow>[] = [];
  for (const param of searchKey.split('&')) {
    const [left = '', value] = param.split('=');
    const [column = '', op] = left.split(/\[|\]/);
    const prop = COLUMNS[column];
    if (!prop) continue;
    const operator = OPERATORS[(op ?? 'eq').toLowerCase() as keyof typeof OPERATORS];
    if (!operator) throw new BillingError('INVALID_PARAMETER', `Unknown search operator '${op}' for ${column}`, { searchKey });
    clauses.push({ [prop]: { [operator]: typed(column, value) } } as FilterQuery<AccountRow>);
  }
  return clauses.length === 0 ? {} : { $and: clauses };
}
