import { describe, expect, it } from 'vitest';
import { escapeHtml, parseTemplate, renderTemplate, TemplateSyntaxError, type SectionLambda } from './mustache.js';

function syntaxError(template: string): TemplateSyntaxError {
  try {
    parseTemplate(template);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(template)} not to parse`);
}

describe('Mustache rendering', () => {
  it('escapes {{x}} and leaves {{{x}}} and {{&x}} raw', () => {
    const view = { x: `<b a="1">'&'</b>` };
    expect(renderTemplate('{{x}}', view)).toBe('&lt;b a&#x3D;&quot;1&quot;&gt;&#39;&amp;&#39;&lt;&#x2F;b&gt;');
    expect(renderTemplate('{{{x}}}|{{& x }}', view)).toBe(`${view.x}|${view.x}`);
  });

  it('resolves dotted names, walking up the context stack for the first part', () => {
    const view = { invoice: { number: 7, items: [{ name: 'a' }, { name: 'b' }] }, currency: 'EUR' };
    expect(renderTemplate('#{{invoice.number}}:{{#invoice.items}}{{name}} {{currency}};{{/invoice.items}}', view)).toBe('#7:a EUR;b EUR;');
  });

  it('renders {{.}} for the current element and nothing for missing names', () => {
    expect(renderTemplate('{{#list}}[{{.}}]{{/list}}{{nope}}{{a.b.c}}', { list: ['x', 'y'], a: {} })).toBe('[x][y]');
  });

  it('calls a section lambda with the raw section text and a renderer', () => {
    const upper: SectionLambda = (source, render) => render(source).toUpperCase();
    expect(renderTemplate('{{#up}}hi {{name}}{{/up}}', { up: () => upper, name: 'ann' })).toBe('HI ANN');
  });

  it('renders partials as nothing', () => {
    expect(renderTemplate('a{{! note }}b{{> footer}}c', {})).toBe('abc');
  });

  it('escapes the characters that could break out of an attribute', () => {
    expect(escapeHtml('`=/')).toBe('&#x60;&#x3D;&#x2F;');
  });
});

describe('Mustache parsing', () => {
  it('refuses an unclosed section, naming it and where it is', () => {
    const e = syntaxError('line one\n  {{#items}}x');
    expect(e.reason).toBe('Unclosed section "items"');
    expect([e.line, e.column]).toEqual([2, 3]);
  });

  it('refuses a section closed by another name, and an unclosed tag', () => {
    expect(syntaxError('{{#a}}{{/b}}').reason).toBe('Unclosed section "a"');
    expect(syntaxError('Hello {{name').reason).toMatch(/^Unclosed tag/);
  });

  it('refuses sections nested deeper than the rendering bound', () => {
    const deep = (n: number) => '{{#a}}'.repeat(n) + '{{/a}}'.repeat(n);
    expect(() => parseTemplate(deep(64))).not.toThrow();
    expect(syntaxError(deep(65)).reason).toBe('Sections nested deeper than 64 levels');
  });

  it('parses Kill Bill default template constructs', () => {
    expect(() =>
      parseTemplate('{{#text.properties}}customKey{{/text.properties}}{{#account.city}}{{account.city}}{{#account.stateOrProvince}}, {{account.stateOrProvince}}{{/account.stateOrProvince}}{{/account.city}}'),
    ).not.toThrow();
  });
});
