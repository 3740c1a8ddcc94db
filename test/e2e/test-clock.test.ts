import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The official client has no TestApi: these calls are raw HTTP, as Kill Bill's own test harnesses make them.
let server: TestServer;
let disabled: TestServer;

beforeAll(async () => {
  [server, disabled] = await Promise.all([
    startTestServer(import.meta.filename, { testMode: true }),
    startTestServer(import.meta.filename, { testMode: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), disabled?.close()]);
});

const http = () => rawHttp(server.url);
const msFrom = (iso: string, expected: string) => Math.abs(DateTime.fromISO(iso).toMillis() - DateTime.fromISO(expected).toMillis());

describe('the test clock', () => {
  it('sets the time and answers Kill Bill\'s clock JSON, with the time flowing from there', async () => {
    const res = await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-08-25T00:00:02.000Z', timeoutSec: 0 } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.data).sort()).toEqual(['currentUtcTime', 'localDate', 'timeZone']);
    expect(res.data.currentUtcTime).toMatch(/^2012-08-25T00:00:0\d\.\d{3}Z$/);
    expect(res.data).toMatchObject({ timeZone: 'UTC', localDate: '2012-08-25' });
    const read = await http().get('/1.0/kb/test/clock');
    expect(msFrom(read.data.currentUtcTime, '2012-08-25T00:00:02.000Z')).toBeLessThan(2000);
  });

  it('gives the local date in the requested time zone', async () => {
    await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-08-25T02:00:00Z' } });
    const res = await http().get('/1.0/kb/test/clock', { params: { timeZone: 'America/Los_Angeles' } });
    expect(res.data).toMatchObject({ timeZone: 'America/Los_Angeles', localDate: '2012-08-24' });
    expect(res.data.currentUtcTime).toMatch(/^2012-08-25T02:00:0\d\.\d{3}Z$/);
  });

  it('takes a date alone as midnight UTC', async () => {
    const res = await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2013-03-01' } });
    expect(res.data.currentUtcTime).toMatch(/^2013-03-01T00:00:0\d\.\d{3}Z$/);
  });

  it('moves the time by days, weeks, months or years, applying only the first unit given', async () => {
    await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-01-31T10:00:00Z' } });
    const month = await http().put('/1.0/kb/test/clock', null, { params: { months: 1, timeoutSec: 1 } });
    expect(month.status).toBe(200);
    expect(month.data.localDate).toBe('2012-02-29');
    expect((await http().put('/1.0/kb/test/clock', null, { params: { days: 1, years: 5 } })).data.localDate).toBe('2012-03-01');
    expect((await http().put('/1.0/kb/test/clock', null, { params: { weeks: 2 } })).data.localDate).toBe('2012-03-15');
    expect((await http().put('/1.0/kb/test/clock', null, { params: { years: 1, timeZone: 'Asia/Tokyo' } })).data).toMatchObject({
      localDate: '2013-03-15',
      timeZone: 'Asia/Tokyo',
    });
    expect((await http().put('/1.0/kb/test/clock', null, { params: { days: -15 } })).data.localDate).toBe('2013-02-28');
  });

  it('goes back to real time when no requestedDate is given', async () => {
    await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2001-01-01' } });
    const res = await http().post('/1.0/kb/test/clock');
    expect(res.status).toBe(200);
    expect(Math.abs(DateTime.fromISO(res.data.currentUtcTime).toMillis() - Date.now())).toBeLessThan(5000);
  });

  it('moves the clock every request sees, e.g. the created date of a new tenant', async () => {
    await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2014-05-06T07:08:09Z' } });
    const { tenantId } = await newTenant(server.url);
    const rows = (await server.engine.db.fork().getConnection().execute('select created_date from tenants where id = ?', [tenantId])) as {
      created_date: Date;
    }[];
    expect(new Date(rows[0]!.created_date).toISOString().slice(0, 10)).toBe('2014-05-06');
    await http().post('/1.0/kb/test/clock');
  });

  it('answers 200 for the queues, nothing being pending, with or without a tenant', async () => {
    expect((await http().get('/1.0/kb/test/queues', { params: { timeoutSec: 0 } })).status).toBe(200);
    const { credentials } = await newTenant(server.url);
    expect((await rawHttp(server.url, credentials).get('/1.0/kb/test/queues')).status).toBe(200);
    expect((await rawHttp(server.url, { ...credentials, apiSecret: 'wrong' }).get('/1.0/kb/test/queues')).status).toBe(401);
  });

  it('answers 400 to invalid parameters and leaves the clock where it was', async () => {
    await http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-06-01T00:00:00Z' } });
    const bad = [
      http().post('/1.0/kb/test/clock', null, { params: { requestedDate: 'yesterday' } }),
      http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-13-01' } }),
      http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-07-01', timeZone: 'Mars/Olympus' } }),
      http().post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-07-01', timeoutSec: -1 } }),
      http().put('/1.0/kb/test/clock', null, { params: { days: 'two' } }),
      http().put('/1.0/kb/test/clock', null, { params: { months: '1.5' } }),
      http().put('/1.0/kb/test/clock', null, { params: { days: 1, timeoutSec: 'x' } }),
      http().get('/1.0/kb/test/clock', { params: { timeZone: 'Nowhere' } }),
      http().get('/1.0/kb/test/queues', { params: { timeoutSec: 'soon' } }),
    ];
    for (const res of await Promise.all(bad)) {
      expect(res.status).toBe(400);
      expect(res.data).toHaveProperty('className');
    }
    expect((await http().get('/1.0/kb/test/clock')).data.localDate).toBe('2012-06-01');
    await http().post('/1.0/kb/test/clock');
  });

  it('requires basic auth', async () => {
    const res = await rawHttp(server.url, undefined, { username: 'admin', password: 'nope' }).get('/1.0/kb/test/clock');
    expect(res.status).toBe(401);
  });
});

describe('a server not in test mode', () => {
  it('answers 404 with the error JSON on every test path and keeps real time', async () => {
    const http = rawHttp(disabled.url);
    const calls = [
      http.get('/1.0/kb/test/clock'),
      http.post('/1.0/kb/test/clock', null, { params: { requestedDate: '2012-08-25' } }),
      http.put('/1.0/kb/test/clock', null, { params: { days: 3 } }),
      http.get('/1.0/kb/test/queues'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.data).toMatchObject({ className: 'NotFoundException' });
    }
    expect(disabled.engine.testClock).toBeNull();
    expect(Math.abs(disabled.engine.clock.now().toMillis() - Date.now())).toBeLessThan(1000);
  });
});
