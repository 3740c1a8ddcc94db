import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';

/**
 * Typed access to fast-xml-parser's output (every element in an array, attributes as `@_name`, text as
 * strings) that records every structural problem instead of stopping at the first: the caller reads the
 * whole document, then throws all problems at once. Values read after a problem are placeholders; the
 * catalog is discarded whenever `errors` is not empty. Each problem is `<where>: <what>`.
 */
export type XmlItem = string | XmlElement;
export interface XmlElement {
  readonly [key: string]: unknown;
}

const ATTR = '@_';
const TEXT = '#text';

export class XmlReader {
  readonly errors: string[] = [];

  fail(where: string, what: string): void {
    this.errors.push(where === '' ? what : `${where}: ${what}`);
  }

  /** The child elements called `name` (in document order). */
  all(parent: XmlItem, name: string): XmlItem[] {
    if (typeof parent === 'string') return [];
    const value = parent[name];
    return Array.isArray(value) ? (value as XmlItem[]) : [];
  }

  optional(parent: XmlItem, name: string, where: string): XmlItem | undefined {
    const items = this.all(parent, name);
    if (items.length > 1) this.fail(where, `<${name}> may appear only once`);
    return items[0];
  }

  required(parent: XmlItem, name: string, where: string): XmlItem {
    const item = this.optional(parent, name, where);
    if (item === undefined) {
      this.fail(where, `<${name}> is required`);
      return '';
    }
    return item;
  }

  /** The children of the wrapper `<wrapper><name/>...</wrapper>` (empty when the wrapper is absent). */
  list(parent: XmlItem, wrapper: string, name: string, where: string): XmlItem[] {
    const box = this.optional(parent, wrapper, where);
    if (box === undefined) return [];
    this.only(box, [name], [], `${where}: ${wrapper}`);
    return this.all(box, name);
  }

  attr(item: XmlItem, name: string): string | undefined {
    if (typeof item === 'string') return undefined;
    const value = item[ATTR + name];
    return typeof value === 'string' ? value : undefined;
  }

  requiredAttr(item: XmlItem, name: string, where: string): string {
    const value = this.attr(item, name);
    if (value === undefined || value === '') {
      this.fail(where, `attribute '${name}' is required`);
      return '';
    }
    return value;
  }

  /** The text of a leaf element; an element with child elements is a problem. */
  text(item: XmlItem, where: string): string {
    if (typeof item === 'string') return item;
    const children = Object.keys(item).filter((k) => !k.startsWith(ATTR) && k !== TEXT);
    if (children.length > 0) this.fail(where, `must hold text, not <${children[0]}>`);
    const value = item[TEXT];
    return typeof value === 'string' ? value : '';
  }

  optionalText(parent: XmlItem, name: string, where: string): string | undefined {
    const item = this.optional(parent, name, where);
    return item === undefined ? undefined : this.text(item, `${where}: ${name}`);
  }

  requiredText(parent: XmlItem, name: string, where: string): string {
    const value = this.text(this.required(parent, name, where), `${where}: ${name}`);
    if (value === '' && this.all(parent, name).length > 0) this.fail(`${where}: ${name}`, 'must not be empty');
    return value;
  }

  /** Refuses elements and attributes the Kill Bill schema does not declare here (as its XSD would). */
  only(item: XmlItem, elements: readonly string[], attributes: readonly string[], where: string): void {
    if (typeof item === 'string') {
      if (item !== '' && elements.length > 0) this.fail(where, `unexpected text '${item.slice(0, 40)}'`);
      return;
    }
    for (const key of Object.keys(item)) {
      if (key === TEXT) {
        if (elements.length > 0) this.fail(where, `unexpected text '${String(item[key]).slice(0, 40)}'`);
      } else if (key.startsWith(ATTR)) {
        const name = key.slice(ATTR.length);
        if (!attributes.includes(name) && !isNamespaceAttribute(name)) this.fail(where, `unknown attribute '${name}'`);
      } else if (!elements.includes(key)) {
        this.fail(where, `unknown element <${key}>`);
      }
    }
  }

  enumValue<T extends string>(values: readonly T[], raw: string, where: string, what: string): T {
    const found = values.find((v) => v === raw);
    if (found !== undefined) return found;
    // An empty value was already reported as missing.
    if (raw === '') return values[0] as T;
    this.fail(where, `${what} '${raw.slice(0, 60)}' is not one of ${values.join(', ')}`);
    return values[0] as T;
  }

  decimal(raw: string, where: string): Decimal {
    // Plain decimal notation only: decimal.js would also take hex, exponents and NaN.
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw)) {
      this.fail(where, `'${raw.slice(0, 40)}' is not a decimal number`);
      return new Decimal(0);
    }
    return new Decimal(raw);
  }

  integer(raw: string, where: string): number {
    if (!/^[+-]?\d{1,15}$/.test(raw)) {
      this.fail(where, `'${raw.slice(0, 40)}' is not an integer`);
      return 0;
    }
    return Number.parseInt(raw, 10);
  }

  /** xs:dateTime (or xs:date = midnight); without an offset it is read as UTC. Kept in UTC. */
  dateTime(raw: string, where: string): DateTime {
    const shape = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
    const parsed = shape.test(raw) ? DateTime.fromISO(raw, { zone: 'utc', setZone: true }) : null;
    if (parsed === null || !parsed.isValid) {
      this.fail(where, `'${raw.slice(0, 40)}' is not a date-time such as 2024-01-01T00:00:00+00:00`);
      return DateTime.fromMillis(0, { zone: 'utc' });
    }
    return parsed.toUTC();
  }
}

function isNamespaceAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xsi:');
}
