/**
 * A minimal XML tree and printer for the serializer: elements in the order given, attributes in the order
 * given, text escaped. Undefined/null attributes and children are left out so callers can write optional
 * parts inline.
 */
export interface XmlNodeOut {
  readonly name: string;
  readonly attrs: readonly (readonly [string, string | null | undefined])[];
  readonly children: readonly XmlNodeOut[];
  readonly text: string | null;
}

type Child = XmlNodeOut | null | undefined | false;

export function el(name: string, attrs: XmlNodeOut['attrs'], ...children: readonly (Child | readonly Child[])[]): XmlNodeOut {
  const flat = children.flat().filter((c): c is XmlNodeOut => c !== null && c !== undefined && c !== false);
  return { name, attrs, children: flat, text: null };
}

export function leaf(name: string, text: string, attrs: XmlNodeOut['attrs'] = []): XmlNodeOut {
  return { name, attrs, children: [], text };
}

/** A leaf only when the value is present. */
export function optLeaf(name: string, text: string | null | undefined): XmlNodeOut | null {
  return text === null || text === undefined ? null : leaf(name, text);
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function printXml(root: XmlNodeOut): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'];
  print(root, '', lines);
  return `${lines.join('\n')}\n`;
}

function print(node: XmlNodeOut, indent: string, lines: string[]): void {
  const attrs = node.attrs
    .filter((a): a is readonly [string, string] => a[1] !== null && a[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (node.text !== null) {
    lines.push(node.text === '' ? `${indent}<${node.name}${attrs}/>` : `${indent}<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>`);
  } else if (node.children.length === 0) {
    lines.push(`${indent}<${node.name}${attrs}/>`);
  } else {
    lines.push(`${indent}<${node.name}${attrs}>`);
    for (const child of node.children) print(child, `${indent}  `, lines);
    lines.push(`${indent}</${node.name}>`);
  }
}
