import { describe, expect, it } from 'vitest';
import { create, event, phase, saas, utc } from '../../../test/support/subscription-fixtures.js';
import { transitionsOf } from './timeline.js';
import { transferCancelDate, transferEvents } from './transfer.js';

/** team-monthly: TRIAL until 05-01, DISCOUNT, then EVERGREEN (saas.xml). */
const trial = () => [create('2012-04-01T10:00:00Z', 'team-monthly', 'trial'), phase('2012-05-01T10:00:00Z', 'team-monthly', 'discount')];
const summary = (at: string, events = trial()) =>
  transferEvents(transitionsOf(events, saas), utc(at)).map((e) => [e.kind, e.apiType, e.at.toISO(), e.phaseName ?? e.bcd ?? null]);

describe('copying a subscription to the destination of a transfer', () => {
  it('turns the phase in force into a TRANSFER at the transfer date and keeps the later phase at its own date', () => {
    expect(summary('2012-04-15T10:00:00Z')).toEqual([
      ['API_USER', 'TRANSFER', '2012-04-15T10:00:00.000Z', 'team-monthly-trial'],
      ['PHASE', null, '2012-05-01T10:00:00.000Z', 'team-monthly-discount'],
    ]);
  });

  it('starts the copy in the phase reached when the transfer comes after a phase change', () => {
    expect(summary('2012-05-10T10:00:00Z')).toEqual([['API_USER', 'TRANSFER', '2012-05-10T10:00:00.000Z', 'team-monthly-discount']]);
  });

  it('keeps the last BCD change, re-dated to the transfer, and drops a pending cancellation', () => {
    const events = [...trial(), event('BCD_UPDATE', '2012-04-02T10:00:00Z', { billCycleDayLocal: 15 }), event('API_USER', '2012-06-01T00:00:00Z', { apiType: 'CANCEL' })];
    expect(summary('2012-04-15T10:00:00Z', events)).toEqual([
      ['API_USER', 'TRANSFER', '2012-04-15T10:00:00.000Z', 'team-monthly-trial'],
      ['BCD_UPDATE', null, '2012-04-15T10:00:00.000Z', 15],
      ['PHASE', null, '2012-05-01T10:00:00.000Z', 'team-monthly-discount'],
    ]);
  });

  it('copies a subscription that has not started yet from its own start', () => {
    expect(summary('2012-03-01T00:00:00Z').map((e) => [e[1], e[2]])).toEqual([
      ['TRANSFER', '2012-04-01T10:00:00.000Z'],
      [null, '2012-05-01T10:00:00.000Z'],
    ]);
  });

  it('copies nothing from a subscription that has ended', () => {
    expect(summary('2012-07-01T00:00:00Z', [...trial(), event('API_USER', '2012-06-01T00:00:00Z', { apiType: 'CANCEL' })])).toEqual([]);
  });
});

describe('the billing end of a transferred subscription', () => {
  const at = utc('2012-04-15T10:00:00Z');
  const start = utc('2012-04-01T10:00:00Z');
  it('is the charged-through date for END_OF_TERM when it is later, else the transfer date', () => {
    expect(transferCancelDate(at, utc('2012-05-01T00:00:00Z'), false, start).toISO()).toBe('2012-05-01T00:00:00.000Z');
    expect(transferCancelDate(at, utc('2012-04-10T00:00:00Z'), false, start).toISO()).toBe(at.toISO());
    expect(transferCancelDate(at, null, false, start).toISO()).toBe(at.toISO());
  });
  it('is the transfer date for IMMEDIATE, never before the last transition', () => {
    expect(transferCancelDate(at, utc('2012-05-01T00:00:00Z'), true, start).toISO()).toBe(at.toISO());
    expect(transferCancelDate(utc('2012-03-01T00:00:00Z'), null, true, start).toISO()).toBe(start.toISO());
  });
});
