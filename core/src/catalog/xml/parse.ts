import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BillingError } from '../../errors/index.js';
import type { CatalogVersion } from '../types.js';
import { validateCatalog } from '../validate.js';
import { checkXmlLimits } from './limits.js';
import { readCatalog } from './parse-catalog.js';
import { XmlReader, type XmlItem } from './reader.js';

/** An invalid catalog: every problem found, each naming its element (Kill Bill's CAT_INVALID_FOR_TENANT, 400). */
export class CatalogXmlError extends BillingError {
  readonly errors: readonly string[];

  constructor(errors: readonly string[]) {
    const head = errors.slice(0, 5).join('; ');
    const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
    super('CAT_INVALID_FOR_TENANT', `Invalid catalog: ${head}${more}`, { errors: [...errors] });
    this.name = 'CatalogXmlError';
    this.errors = errors;
  }
}

export interface CatalogXmlCheck {
  /** null when the XML could not be read into a catalog (structure); set when only rules failed. */
  readonly catalog: CatalogVersion | null;
  readonly errors: readonly string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Every element is a list, so a list of one stays a list and a repeated single element is detectable.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  // DTDs are refused before parsing (limits.ts); only the five predefined entities and char references remain.
  processEntities: true,
  htmlEntities: false,
});

/** Every problem of a catalog document, structural and Kill Bill's validation rules alike; never throws. */
export function checkCatalogXml(xml: string): CatalogXmlCheck {
  const unsafe = checkXmlLimits(xml);
  if (unsafe !== null) return { catalog: null, errors: [unsafe] };
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) {
    const { msg, line, col } = wellFormed.err;
    return { catalog: null, errors: [`catalog XML is not well-formed: ${msg} (line ${line}, column ${col})`] };
  }
  const doc: unknown = parser.parse(xml);
  const reader = new XmlReader();
  const root = rootElement(reader, doc);
  if (root === undefined) return { catalog: null, errors: reader.errors };
  const catalog = readCatalog(reader, root);
  if (reader.errors.length > 0) return { catalog: null, errors: reader.errors };
  return { catalog, errors: validateCatalog(catalog) };
}

/** The catalog of a valid document; otherwise throws a CatalogXmlError listing every problem. */
export function parseCatalogXml(xml: string): CatalogVersion {
  const { catalog, errors } = checkCatalogXml(xml);
  if (catalog === null || errors.length > 0) throw new CatalogXmlError(errors);
  return catalog;
}

function rootElement(reader: XmlReader, doc: unknown): XmlItem | undefined {
  const top = typeof doc === 'object' && doc !== null ? Object.keys(doc) : [];
  const items = reader.all(doc as XmlItem, 'catalog');
  if (top.length !== 1 || items.length !== 1) {
    reader.fail('', `the document's root element must be <catalog>, found ${top.map((k) => `<${k}>`).join(', ') || 'none'}`);
    return undefined;
  }
  return items[0];
}
