import { catalogToXml, type CatalogVersion } from '@billwright/core';

/**
 * getCatalogXml: Kill Bill marshals its DefaultVersionedCatalog with JAXB, so the answer is not one
 * `<catalog>` but `<catalogs><versions><version>…</version></versions><catalogName>…</catalogName></catalogs>`,
 * each `<version>` holding what a `<catalog>` document holds. Each version is written by catalogToXml and
 * re-rooted here.
 */
export function versionedCatalogXml(versions: readonly CatalogVersion[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<catalogs>'];
  if (versions.length === 0) {
    lines.push('  <versions/>');
  } else {
    lines.push('  <versions>');
    for (const version of versions) lines.push(...versionLines(version).map((l) => `    ${l}`));
    lines.push('  </versions>');
    lines.push(`  <catalogName>${escapeXml(versions[0]!.catalogName)}</catalogName>`);
  }
  lines.push('</catalogs>');
  return `${lines.join('\n')}\n`;
}

/** The lines of catalogToXml between its `<catalog …>` and `</catalog>`, inside `<version>`. */
function versionLines(version: CatalogVersion): string[] {
  const lines = catalogToXml(version).split('\n');
  const open = lines.findIndex((l) => /^<catalog[\s>]/.test(l));
  const close = lines.lastIndexOf('</catalog>');
  if (open < 0 || close <= open) throw new Error('catalogToXml did not write one <catalog> element');
  return ['<version>', ...lines.slice(open + 1, close), '</version>'];
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
