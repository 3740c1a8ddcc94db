import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectLines, invoiceLife, lines, retireLives, type Life } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Account time zones from Pacific/Samoa (UTC-11) to Asia/Tokyo (UTC+9), and a DST change
 * (killbill-semantics.md §2, §3): billing dates are LocalDates in the fixed offset the account's zone had at
 * its reference time (AccountDateTimeUtils.getFixedOffsetTimeZone). Figures from kbit
 * core/test_with_dates_timezones.rb (Samoa 2013-08-02T06:00Z starts 2013-08-01, Tokyo 2013-08-02T18:00Z
 * starts 2013-08-03), TestIntegrationWithAutoInvoiceOffTag.testAutoInvoiceOffWithTZ (LA at 2018-12-01T00:25Z:
 * BCD 30, first target date 2018-11-30) and TestWithTimeZones.testWithDayLightSaving (monthly renewals keep
 * their day across DST changes). Each test sets the clock itself; the clock is the server's, one test at a time.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

const bcdOf = async (life: Life) => (await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal;

describe('an account in Pacific/Samoa (UTC-11)', () => {
  it('subscribed at 2013-08-02T06:00Z starts on 2013-08-01, gets BCD 31 and renews on the 31st and 30th', async () => {
    const life = await invoiceLife(server.url, { clock: '2013-08-02T06:00:00.000Z', timeZone: 'Pacific/Samoa' });
    await life.subscribe('shotgun-monthly');
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2013-08-01 2013-08-31 0']);
    expect(invoices[0]!.invoiceDate).toBe('2013-08-01');
    expect(await bcdOf(life)).toBe(31);

    await life.at('2013-09-01T06:30:00.000Z'); // 2013-08-31 19:30 in Samoa: the trial ended
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2013-08-31 2013-09-30 249.95']);
    expect(invoices[1]!.invoiceDate).toBe('2013-08-31');
    expect(invoices[1]!.targetDate).toBe('2013-08-31');

    await life.at('2013-10-01T06:30:00.000Z'); // 2013-09-30 in Samoa
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2013-09-30 2013-10-31 249.95']);
    expect(invoices[2]!.invoiceDate).toBe('2013-09-30');
    expect(await life.balances()).toEqual({ accountBalance: '499.90', accountCBA: '0.00' });
  });
});

describe('an account in Asia/Tokyo (UTC+9)', () => {
  it('subscribed at 2013-08-02T18:00Z starts on 2013-08-03, gets BCD 2, renews on the 2nd, and dates credit by the UTC day', async () => {
    const life = await invoiceLife(server.url, { clock: '2013-08-02T18:00:00.000Z', timeZone: 'Asia/Tokyo' });
    const sub = await life.subscribe('shotgun-monthly');
    let invoices = await life.invoices();
    expectLines(invoices[0], ['FIXED 2013-08-03 2013-09-02 0']);
    expect(invoices[0]!.invoiceDate).toBe('2013-08-03');
    expect(await bcdOf(life)).toBe(2);

    await life.at('2013-09-01T18:30:00.000Z'); // 2013-09-02 03:30 in Tokyo
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2013-09-02 2013-10-02 249.95']);
    expect(invoices[1]!.invoiceDate).toBe('2013-09-02');

    // 2013-09-10T18:30Z is 09-11 in Tokyo: a cancel now repairs [09-11, 10-02], 21 of the item's 30 days →
    // 174.97. The repair and the invoice carry Tokyo dates, but Kill Bill dates the CBA_ADJ items with
    // context.getCreatedDate().toLocalDate() (CBADao.buildCBAItem), the UTC day: 09-10.
    await life.at('2013-09-10T18:30:00.000Z');
    await life.kb.subscriptions.cancelSubscriptionPlan(sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE', 'IMMEDIATE');
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['REPAIR_ADJ 2013-09-11 2013-10-02 -174.97', 'CBA_ADJ 2013-09-10 2013-09-10 174.97']);
    expect(invoices[2]!.invoiceDate).toBe('2013-09-11');
    expectLines(invoices[1], ['RECURRING 2013-09-02 2013-10-02 249.95', 'CBA_ADJ 2013-09-10 2013-09-10 -174.97']);
    expect(await life.balances()).toEqual({ accountBalance: '74.98', accountCBA: '0.00' });
  });

  it('subscribed with a requested date in the slight past (2013-08-02) starts then, on an invoice dated today', async () => {
    const life = await invoiceLife(server.url, { clock: '2013-08-02T18:00:00.000Z', timeZone: 'Asia/Tokyo' });
    await life.subscribe('shotgun-monthly', {}, '2013-08-02');
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2013-08-02 2013-09-01 0']);
    expect(invoices[0]!.invoiceDate).toBe('2013-08-03');
    expect(await bcdOf(life)).toBe(1);
  });
});

describe('an account in America/Los_Angeles created on 2018-12-01T00:25Z (testAutoInvoiceOffWithTZ)', () => {
  it('is on 2018-11-30 locally: BCD 30, first target date 2018-11-30, and BCD 30 clamps to February 28', async () => {
    const life = await invoiceLife(server.url, { clock: '2018-12-01T00:25:00.000Z', timeZone: 'America/Los_Angeles' });
    expect(await bcdOf(life)).toBe(0);
    await life.subscribe('shotgun-monthly');
    expect(await bcdOf(life)).toBe(30);
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2018-11-30 2018-12-30 0']);
    expect(invoices[0]!.targetDate).toBe('2018-11-30');

    await life.at('2018-12-30T00:20:00.000Z'); // still 2018-12-29 in LA: in trial
    expect(await life.invoices()).toHaveLength(1);

    await life.at('2018-12-31T00:30:00.000Z'); // 2018-12-30 16:30 in LA
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2018-12-30 2019-01-30 249.95']);
    expect(invoices[1]!.targetDate).toBe('2018-12-30');

    await life.at('2019-01-31T00:30:00.000Z'); // 2019-01-30 in LA
    await life.at('2019-03-01T00:30:00.000Z'); // 2019-02-28 in LA
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[2], ['RECURRING 2019-01-30 2019-02-28 249.95']);
    expectLines(invoices[3], ['RECURRING 2019-02-28 2019-03-30 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '749.85', accountCBA: '0.00' });
  });
});

describe('an account in America/Los_Angeles created in summer (PDT, UTC-7)', () => {
  it('keeps UTC-7 after the change to PST: 2015-12-01T07:40Z is still December 1st for its billing', async () => {
    const life = await invoiceLife(server.url, { clock: '2015-09-01T07:30:00.000Z', timeZone: 'America/Los_Angeles' });
    await life.subscribe('shotgun-monthly');
    let invoices = await life.invoices();
    expectLines(invoices[0], ['FIXED 2015-09-01 2015-10-01 0']);
    expect(await bcdOf(life)).toBe(1);

    await life.at('2015-10-01T07:40:00.000Z');
    await life.at('2015-11-01T07:40:00.000Z'); // DST ends at 09:00Z that day
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[1], ['RECURRING 2015-10-01 2015-11-01 249.95']);
    expectLines(invoices[2], ['RECURRING 2015-11-01 2015-12-01 249.95']);

    // On the wall clock of Los Angeles (PST, UTC-8) it is still 2015-11-30 23:40; in the account's fixed
    // UTC-7 it is 2015-12-01 00:40, so December is billed now, dated December 1st.
    await life.at('2015-12-01T07:40:00.000Z');
    const wall = await life.http.get('/1.0/kb/test/clock?timeZone=America/Los_Angeles');
    expect(wall.data.localDate).toBe('2015-11-30');
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2015-12-01 2016-01-01 249.95']);
    expect(invoices[3]!.invoiceDate).toBe('2015-12-01');
    expect(invoices[3]!.targetDate).toBe('2015-12-01');

    // And past the change back to PDT (2016-03-13) the 1st stays the 1st (one clock move over four renewals;
    // how the runs split them is invoice-life-trial's concern, here only the periods billed).
    await life.at('2016-04-01T07:40:00.000Z');
    invoices = await life.invoices();
    expect(invoices.slice(4).flatMap(lines).sort()).toEqual([
      'RECURRING 2016-01-01 2016-02-01 249.95',
      'RECURRING 2016-02-01 2016-03-01 249.95',
      'RECURRING 2016-03-01 2016-04-01 249.95',
      'RECURRING 2016-04-01 2016-05-01 249.95',
    ]);
  });
});
