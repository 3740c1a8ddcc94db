import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toMatchObject({
      httpPort: 8080,
      dbUrl: 'mysql://root@127.0.0.1:3306/killbill',
      redisUrl: 'redis://127.0.0.1:6379/0',
      testMode: false,
      pluginsDir: './var/plugins',
      pluginsNpmRegistry: null,
      adminUsername: 'admin',
      adminPassword: 'password',
    });
  });

  it('reads every KB_ variable', () => {
    const config = loadConfig({
      KB_HTTP_PORT: '9090',
      KB_DB_URL: 'mysql://u:p@db:3307/bill',
      KB_REDIS_URL: 'redis://r:6380/3',
      KB_TEST_MODE: 'true',
      KB_PLUGINS_DIR: '/srv/plugins',
      KB_PLUGINS_NPM_REGISTRY: 'https://npm.example.com/',
      KB_ADMIN_USERNAME: 'root',
      KB_ADMIN_PASSWORD: 's3cret',
    });
    expect(config).toMatchObject({ httpPort: 9090, dbUrl: 'mysql://u:p@db:3307/bill', redisUrl: 'redis://r:6380/3', testMode: true, pluginsDir: '/srv/plugins', pluginsNpmRegistry: 'https://npm.example.com/', adminUsername: 'root', adminPassword: 's3cret' });
  });

  it('reads the invoice plugin order as a comma-separated list, blanks and repeats dropped', () => {
    expect(loadConfig({}).invoicePlugins).toEqual([]);
    expect(loadConfig({ KB_INVOICE_PLUGINS: ' discounts, simple-tax,,discounts ' }).invoicePlugins).toEqual(['discounts', 'simple-tax']);
  });

  it('refuses a port that is not a number and a test mode that is not a boolean', () => {
    expect(() => loadConfig({ KB_HTTP_PORT: 'eighty' })).toThrow(/KB_HTTP_PORT/);
    expect(() => loadConfig({ KB_HTTP_PORT: '70000' })).toThrow(/KB_HTTP_PORT/);
    expect(() => loadConfig({ KB_TEST_MODE: 'yes' })).toThrow(/KB_TEST_MODE/);
  });
});
