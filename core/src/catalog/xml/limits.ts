/**
 * Guards run on the raw text before any XML parser sees it, so that hostile input costs one linear
 * scan and is refused with a clear message: no DTD (hence no entity expansion: a "billion laughs"
 * document is refused before it could grow), a bounded size, nesting depth and element count.
 * A real catalog is far below every limit (Kill Bill's own largest test catalog: ~2 000 elements, depth 12).
 */
export const CATALOG_XML_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 200_000,
} as const;

export type CatalogXmlLimits = { readonly maxBytes: number; readonly maxDepth: number; readonly maxElements: number };

/** The first problem that makes the text unsafe to parse, or null when it is within limits. */
export function checkXmlLimits(xml: string, limits: CatalogXmlLimits = CATALOG_XML_LIMITS): string | null {
  // A UTF-16 length above the limit is certainly too big in bytes; count bytes only when it may matter.
  if (xml.length > limits.maxBytes || Buffer.byteLength(xml, 'utf8') > limits.maxBytes) {
    return `catalog XML is larger than ${limits.maxBytes} bytes`;
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return 'catalog XML may not contain a DOCTYPE or ENTITY declaration';
  }
  return scanStructure(xml, limits);
}

/** One pass over the tags: depth and count, skipping comments, CDATA, processing instructions and quoted attribute values. */
function scanStructure(xml: string, limits: CatalogXmlLimits): string | null {
  let depth = 0;
  let elements = 0;
  let i = xml.indexOf('<');
  while (i !== -1 && i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      i = skipPast(xml, i + 4, '-->');
    } else if (xml.startsWith('<![CDATA[', i)) {
      i = skipPast(xml, i + 9, ']]>');
    } else if (xml.startsWith('<?', i)) {
      i = skipPast(xml, i + 2, '?>');
    } else if (xml.startsWith('</', i)) {
      depth -= 1;
      i = skipPast(xml, i + 2, '>');
    } else {
      const end = tagEnd(xml, i + 1);
      elements += 1;
      if (elements > limits.maxElements) return `catalog XML has more than ${limits.maxElements} elements`;
      if (xml[end - 1] !== '/') {
        depth += 1;
        if (depth > limits.maxDepth) return `catalog XML is nested deeper than ${limits.maxDepth} levels`;
      }
      i = end + 1;
    }
    if (i === -1) break;
    i = xml.indexOf('<', i);
  }
  return null;
}

function skipPast(xml: string, from: number, marker: string): number {
  const at = xml.indexOf(marker, from);
  return at === -1 ? -1 : at + marker.length;
}

/** Index of the `>` closing a start tag; `>` inside a quoted attribute value does not count. */
function tagEnd(xml: string, from: number): number {
  let quote: string | null = null;
  for (let j = from; j < xml.length; j++) {
    const ch = xml[j];
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return j;
    }
  }
  return xml.length;
}
