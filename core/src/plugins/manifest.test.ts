import { PLUGIN_API_VERSION } from '@billwright/plugin-api';
import { describe, expect, it } from 'vitest';
import { BillingError } from '../errors/index.js';
import { parseManifest } from './manifest.js';

const pkg = (billwright: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: '@acme/hello', version: '1.2.3', main: 'dist/index.js', billwright, ...extra });
const valid = { name: 'hello-world', apiVersion: `^${PLUGIN_API_VERSION}`, extensionPoints: ['routes', 'notification'], permissions: ['accounts:read'] };

function refusal(json: unknown): BillingError {
  try {
    parseManifest(json, 'test-pkg');
  } catch (err) {
    if (err instanceof BillingError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('plugin manifest', () => {
  it('reads the billwright block of a valid package', () => {
    expect(parseManifest(pkg(valid), 'x')).toEqual({
      name: 'hello-world',
      version: '1.2.3',
      apiVersion: `^${PLUGIN_API_VERSION}`,
      extensionPoints: ['routes', 'notification'],
      permissions: ['accounts:read'],
      entry: 'dist/index.js',
    });
  });

  it('refuses a plugin built for an incompatible plugin-api range, naming both versions', () => {
    const err = refusal(pkg({ ...valid, apiVersion: '^9.0.0' }));
    expect(err.code).toBe('PLUGIN_INVALID_PACKAGE');
    expect(err.message).toContain('^9.0.0');
    expect(err.message).toContain(`plugin-api ${PLUGIN_API_VERSION}`);
    expect(err.message).toContain('hello-world@1.2.3');
  });

  it('refuses a package without a billwright block, a bad name, version, extension point, permission or entry', () => {
    expect(refusal({ name: 'x', version: '1.0.0' }).message).toContain('no "billwright" block');
    expect(refusal(pkg({ ...valid, name: '../evil' })).message).toContain('billwright.name');
    expect(refusal(pkg(valid, { version: 'latest' })).message).toContain('"version"');
    expect(refusal(pkg({ ...valid, apiVersion: 'not a range!' })).message).toContain('apiVersion');
    expect(refusal(pkg({ ...valid, extensionPoints: [] })).message).toContain('at least one');
    expect(refusal(pkg({ ...valid, extensionPoints: ['teleport'] })).message).toContain('unknown extension point "teleport"');
    expect(refusal(pkg({ ...valid, permissions: ['root'] })).message).toContain('unknown permission "root"');
    expect(refusal(pkg(valid, { main: '../outside.js' })).message).toContain('inside the package');
  });

  it('refuses a package named like a built-in plugin, whatever its case', () => {
    for (const name of ['__EXTERNAL_PAYMENT__', '__external_payment__', '__INVOICE_PAYMENT_CONTROL_PLUGIN__']) {
      const err = refusal(pkg({ ...valid, name }));
      expect(err.code).toBe('PLUGIN_RESERVED_NAME');
      expect(err.message).toContain(`${name} is reserved`);
    }
  });
});
