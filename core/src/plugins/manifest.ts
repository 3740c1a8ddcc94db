import { EXTENSION_POINTS, HOST_PERMISSIONS, PLUGIN_API_VERSION, type ExtensionPoint } from '@billwright/plugin-api';
import semver from 'semver';
import { BillingError } from '../errors/index.js';

/**
 * A plugin package's `billwright` block in its package.json (issue 6 §2), read and checked once at
 * install: a package the host could not run safely (unknown extension point, unknown permission, or a
 * plugin-api range that does not include this host's PLUGIN_API_VERSION) is refused there, never at call time.
 */
export interface PluginManifest {
  /** The plugin name: `/plugins/<name>/...`, `uploadPluginConfig/<name>`, the pluginKey of pluginsInfo. */
  readonly name: string;
  /** The package's semver version: the folder `KB_PLUGINS_DIR/<name>/<version>/`. */
  readonly version: string;
  /** The plugin-api range the plugin was built for. */
  readonly apiVersion: string;
  readonly extensionPoints: readonly ExtensionPoint[];
  readonly permissions: readonly PluginPermission[];
  /** The module the worker imports, relative to the package root. */
  readonly entry: string;
}

export type PluginPermission = Exclude<(typeof HOST_PERMISSIONS)[keyof typeof HOST_PERMISSIONS], null>;

const PERMISSIONS: readonly string[] = [...new Set(Object.values(HOST_PERMISSIONS).filter((p): p is PluginPermission => p !== null))];
/** Like Kill Bill plugin names (`killbill-stripe`, `__EXTERNAL_PAYMENT__`): safe in a path segment and a folder name. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/**
 * Names the host keeps for its built-in plugins (payment/external-payment.ts, payment/control-plugins.ts):
 * a package or a node command with one of them would shadow the built-in, which payment methods and
 * invoice payments name. Compared without case, as Kill Bill's default provider `__external_payment__`.
 */
export const RESERVED_PLUGIN_NAMES: readonly string[] = ['__EXTERNAL_PAYMENT__', '__INVOICE_PAYMENT_CONTROL_PLUGIN__'];

/** Refuses a built-in's name with PLUGIN_RESERVED_NAME (400). */
export function checkPluginNameNotReserved(name: string): void {
  if (RESERVED_PLUGIN_NAMES.includes(name.toUpperCase())) {
    throw new BillingError('PLUGIN_RESERVED_NAME', `Plugin name ${name} is reserved for a plugin built into the server`, { pluginName: name });
  }
}

/** Validates a parsed package.json; every refusal is a 400 naming the field and the package. */
export function parseManifest(packageJson: unknown, source: string): PluginManifest {
  const refuse = (why: string): never => {
    throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${source}: ${why}`);
  };
  if (!isObject(packageJson)) return refuse('package.json is not a JSON object');
  const block = packageJson['billwright'];
  if (!isObject(block)) return refuse('package.json has no "billwright" block');

  const name = block['name'];
  if (typeof name !== 'string' || !NAME.test(name)) {
    return refuse('"billwright.name" must be 1-64 letters, digits, "_", "-" or "." (not starting with "-" or ".")');
  }
  checkPluginNameNotReserved(name);
  const version = packageJson['version'];
  if (typeof version !== 'string' || semver.valid(version) === null || version.includes('/')) {
    return refuse(`"version" must be a semver version (got ${JSON.stringify(version)})`);
  }

  const apiVersion = block['apiVersion'];
  if (typeof apiVersion !== 'string' || semver.validRange(apiVersion) === null) {
    return refuse(`"billwright.apiVersion" must be a semver range such as "^${PLUGIN_API_VERSION}"`);
  }
  if (!semver.satisfies(PLUGIN_API_VERSION, apiVersion)) {
    return refuse(
      `plugin ${name}@${version} was built for plugin-api ${apiVersion}, which this server (plugin-api ${PLUGIN_API_VERSION}) does not satisfy; rebuild it against @billwright/plugin-api ${PLUGIN_API_VERSION}`,
    );
  }

  const extensionPoints = stringList(block['extensionPoints'], 'billwright.extensionPoints', refuse);
  if (extensionPoints.length === 0) refuse('"billwright.extensionPoints" must name at least one extension point');
  for (const point of extensionPoints) {
    if (!(EXTENSION_POINTS as readonly string[]).includes(point)) {
      refuse(`unknown extension point "${point}" (known: ${EXTENSION_POINTS.join(', ')})`);
    }
  }
  const permissions = block['permissions'] === undefined ? [] : stringList(block['permissions'], 'billwright.permissions', refuse);
  for (const permission of permissions) {
    if (!PERMISSIONS.includes(permission)) refuse(`unknown permission "${permission}" (known: ${PERMISSIONS.join(', ')})`);
  }

  const entryField = block['entry'] ?? packageJson['main'] ?? 'index.js';
  if (typeof entryField !== 'string' || entryField === '' || entryField.startsWith('/') || entryField.split(/[\\/]/).includes('..')) {
    return refuse('"billwright.entry" (or "main") must be a path inside the package');
  }

  return {
    name,
    version,
    apiVersion,
    extensionPoints: [...new Set(extensionPoints)] as ExtensionPoint[],
    permissions: [...new Set(permissions)] as PluginPermission[],
    entry: entryField,
  };
}

function stringList(value: unknown, field: string, refuse: (why: string) => never): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    return refuse(`"${field}" must be an array of strings`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
