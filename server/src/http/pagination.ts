import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { kbJson } from './kb-json.js';
import { queryInteger } from './query.js';

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly offset: number;
  /** Rows that match, over all pages. */
  readonly total: number;
  /** Rows the tenant has in that table, whatever the search (Kill Bill's MaxNbRecords). */
  readonly max: number;
}

export const MAX_PAGE = 1000;

export function pageRequest(c: Context<AppEnv>): PageRequest {
  return { offset: queryInteger(c, 'offset', 0, 0), limit: queryInteger(c, 'limit', 100, 1, MAX_PAGE) };
}

/**
 * Kill Bill's pagination headers: X-Killbill-Pagination-CurrentOffset, -NextOffset, -TotalNbRecords,
 * -MaxNbRecords and -NextPageUri (the same query with the next offset), the last two only when a next
 * page exists.
 */
export function paginated<T, J>(c: Context<AppEnv>, page: Page<T>, limit: number, toJson: (item: T) => J): Response {
  c.header('X-Killbill-Pagination-CurrentOffset', String(page.offset));
  c.header('X-Killbill-Pagination-TotalNbRecords', String(page.total));
  c.header('X-Killbill-Pagination-MaxNbRecords', String(page.max));
  const nextOffset = page.offset + page.items.length;
  if (nextOffset < page.total && page.items.length > 0) {
    c.header('X-Killbill-Pagination-NextOffset', String(nextOffset));
    const url = new URL(c.req.url);
    url.searchParams.set('offset', String(nextOffset));
    url.searchParams.set('limit', String(limit));
    c.header('X-Killbill-Pagination-NextPageUri', `${url.pathname}?${url.searchParams.toString()}`);
  }
  return kbJson(c, page.items.map(toJson));
}
