import Mustache from 'mustache';

/**
 * The one place invoice templates meet the `mustache` package: a syntax error becomes a
 * `TemplateSyntaxError` with line and column (a template is tenant input, uploaded through the API, so
 * the 400 must say where), rendering escapes `{{x}}` (Mustache's default) and renders partials empty.
 * Kill Bill's `{{#text.properties}}key{{/text.properties}}` lambdas are `SectionLambda`s.
 */

export class TemplateSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
    this.name = 'TemplateSyntaxError';
  }
}

/** Mustache's errors end with ` at <offset>`; turn the offset into a line and a column. */
function syntaxError(template: string, error: Error): TemplateSyntaxError {
  const match = / at (\d+)$/.exec(error.message);
  let offset = match ? Math.min(Number(match[1]), template.length) : 0;
  // Mustache reports an unclosed section where the text ends; the author wants the tag that opened it.
  const unclosed = /^Unclosed section "(.+)"/.exec(error.message);
  if (unclosed) {
    const name = unclosed[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const opens = [...template.matchAll(new RegExp(`\\{\\{\\s*[#^]\\s*${name}\\s*\\}\\}`, 'g'))];
    if (opens.length > 0) offset = opens[opens.length - 1]!.index;
  }
  const before = template.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return new TemplateSyntaxError(match ? error.message.slice(0, match.index) : error.message, line, column);
}

/** Rendering recurses once per nested section: a bound keeps a hostile template from exhausting the stack. */
export const MAX_SECTION_DEPTH = 64;

/** The deepest section nesting of parsed tokens (`#` and `^` tokens hold their children at index 4). */
function sectionDepth(tokens: readonly unknown[]): number {
  let deepest = 0;
  const stack: { tokens: readonly unknown[]; depth: number }[] = [{ tokens, depth: 0 }];
  while (stack.length > 0) {
    const { tokens: level, depth } = stack.pop()!;
    deepest = Math.max(deepest, depth);
    for (const token of level) {
      const t = token as unknown[];
      if ((t[0] === '#' || t[0] === '^') && Array.isArray(t[4])) stack.push({ tokens: t[4] as unknown[], depth: depth + 1 });
    }
  }
  return deepest;
}

/** Parses (Mustache caches the tokens by text), throwing TemplateSyntaxError for a template that does not parse. */
export function parseTemplate(template: string): void {
  let tokens: readonly unknown[];
  try {
    tokens = Mustache.parse(template);
  } catch (e) {
    if (e instanceof Error) throw syntaxError(template, e);
    throw e;
  }
  if (sectionDepth(tokens) > MAX_SECTION_DEPTH) throw new TemplateSyntaxError(`Sections nested deeper than ${MAX_SECTION_DEPTH} levels`, 1, 1);
}

export function escapeHtml(text: string): string {
  return Mustache.escape(text);
}

/**
 * A section lambda: gets the section's raw template text and a function rendering text in the current
 * context; what it returns is written as is (a lambda escapes what it must itself).
 */
export type SectionLambda = (source: string, render: (text: string) => string) => string;

/** Renders against a view (plain objects, arrays, strings; functions returning a SectionLambda as Mustache lambdas). */
export function renderTemplate(template: string, view: unknown): string {
  parseTemplate(template);
  return Mustache.render(template, view, () => '');
}
