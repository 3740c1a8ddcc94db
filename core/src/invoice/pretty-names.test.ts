import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { VersionedCatalog } from '../catalog/versioned.js';
import { parseCatalogXml } from '../catalog/xml/parse.js';
import type { InvoiceItem } from './invoice.js';
import { prettyNamesFrom } from './pretty-names.js';
import { item } from './test-values.js';

const SAAS = new VersionedCatalog([parseCatalogXml(readFileSync(new URL('../../../examples/catalogs/saas.xml', import.meta.url), 'utf8'))]);
const billed = (fields: Partial<InvoiceItem>): InvoiceItem => ({
  ...item('RECURRING', '49.00'),
  productName: 'Team',
  planName: 'team-monthly',
  phaseName: 'team-monthly-evergreen',
  catalogEffectiveDate: DateTime.fromISO('2024-01-01T00:00:00Z'),
  ...fields,
});

describe('item pretty names (InvoiceItemFactory.computePrettyName)', () => {
  const names = prettyNamesFrom(SAAS);

  it('are the catalog pretty names of the plan, its product and phase, the name where the catalog gives none', () => {
    expect(names(billed({ phaseName: 'team-monthly-discount' }))).toEqual({ product: 'Team', plan: 'Team, monthly', phase: 'Three months at half price', usage: null });
    expect(names(billed({ productName: 'PrioritySupport', planName: 'priority-support-monthly', phaseName: 'priority-support-monthly-evergreen' }))).toMatchObject({
      product: 'Priority support',
      plan: 'priority-support-monthly',
      phase: 'priority-support-monthly-evergreen',
    });
  });

  it('are never translated (catalog translations are for the HTML invoice only)', () => {
    expect(names(billed({})).plan).toBe('Team, monthly');
  });

  it('are null for item types Kill Bill gives none (external charges, adjustments, credit) and for plans the catalog does not have', () => {
    for (const type of ['EXTERNAL_CHARGE', 'ITEM_ADJ', 'REPAIR_ADJ', 'CBA_ADJ', 'CREDIT_ADJ'] as const) {
      expect(names(billed({ type }))).toEqual({ product: null, plan: null, phase: null, usage: null });
    }
    expect(names(billed({ planName: 'gone-plan' }))).toEqual({ product: null, plan: null, phase: null, usage: null });
    expect(names(billed({ type: 'FIXED', planName: null }))).toEqual({ product: null, plan: null, phase: null, usage: null });
  });

  it('are null without a catalog', () => {
    expect(prettyNamesFrom(null)(billed({}))).toEqual({ product: null, plan: null, phase: null, usage: null });
  });

  it('use the version the item was billed with, else the version at its creation', () => {
    expect(names(billed({ catalogEffectiveDate: null })).plan).toBe('Team, monthly');
  });
});
