import { readFileSync } from 'node:fs';
import { parseCatalogXml } from '@billwright/core';
import { describe, expect, it } from 'vitest';
import { versionedCatalogXml } from './catalog-xml.js';

const harbor = [1, 2, 3].map((n) => parseCatalogXml(readFileSync(new URL(`../../../examples/catalogs/versioned/harbor-v${n}.xml`, import.meta.url), 'utf8')));

describe('the versioned catalog XML', () => {
  it('wraps each version in <catalogs><versions><version> with the catalog name last, as Kill Bill\'s JAXB', () => {
    const xml = versionedCatalogXml(harbor);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<catalogs>\n  <versions>\n    <version>\n')).toBe(true);
    expect(xml.trimEnd().endsWith('</versions>\n  <catalogName>Harbor</catalogName>\n</catalogs>')).toBe(true);
  });

  it('holds in each <version> exactly what the version\'s own <catalog> document holds', () => {
    const bodies = [...versionedCatalogXml(harbor).matchAll(/<version>([\s\S]*?)<\/version>/g)].map((m) => m[1]!);
    expect(bodies).toHaveLength(3);
    bodies.forEach((body, i) => {
      const again = parseCatalogXml(`<catalog>${body}</catalog>`);
      expect(again).toEqual(harbor[i]);
    });
  });

  it('writes an empty version list for a tenant without a catalog', () => {
    expect(versionedCatalogXml([])).toContain('<catalogs>\n  <versions/>\n</catalogs>');
  });
});
