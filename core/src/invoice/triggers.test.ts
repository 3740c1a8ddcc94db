import { describe, expect, it } from 'vitest';
import { triggersRun } from './triggers.js';

const tagDeletion = (name: string) => ({ eventType: 'TAG_DELETION', payload: { metaData: JSON.stringify({ tagDefinitionName: name }) } });

describe('invoice triggers', () => {
  it('run on subscription transitions and billing blocks', () => {
    expect(triggersRun({ eventType: 'SUBSCRIPTION_PHASE', payload: {} })).toBe(true);
    expect(triggersRun({ eventType: 'BLOCKING_STATE', payload: {} })).toBe(true);
  });

  it('run when AUTO_INVOICING_OFF is removed, not for AUTO_INVOICING_DRAFT (Kill Bill\'s InvoiceTagHandler) nor other tags', () => {
    expect(triggersRun(tagDeletion('AUTO_INVOICING_OFF'))).toBe(true);
    expect(triggersRun(tagDeletion('AUTO_INVOICING_DRAFT'))).toBe(false);
    expect(triggersRun(tagDeletion('AUTO_PAY_OFF'))).toBe(false);
    expect(triggersRun({ eventType: 'TAG_DELETION', payload: { metaData: 'not json' } })).toBe(false);
  });
});
