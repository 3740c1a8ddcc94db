/**
 * `npm run check:cycles`: fails when the relative imports of core/src, server/src or plugin-api/src form
 * a cycle (type-only imports included: a cycle of types is still a knot in the design), and when
 * plugin-api imports anything of core. Prints each cycle as a chain of files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const roots = ['core/src', 'server/src', 'plugin-api/src'].map((r) => join(root, r));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;
const graph = new Map<string, string[]>();
const problems: string[] = [];
for (const file of roots.flatMap(sources)) {
  const text = readFileSync(file, 'utf8');
  const deps = [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  graph.set(file, deps);
  if (file.includes('/plugin-api/') && /from\s+['"]@billwright\/core['"]/.test(text)) problems.push(`${relative(root, file)} imports @billwright/core`);
}

const state = new Map<string, 'visiting' | 'done'>();
const stack: string[] = [];
function visit(file: string): void {
  state.set(file, 'visiting');
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (!graph.has(dep)) continue;
    if (state.get(dep) === 'visiting') {
      problems.push(`cycle: ${[...stack.slice(stack.indexOf(dep)), dep].map((f) => relative(root, f)).join(' -> ')}`);
    } else if (!state.has(dep)) {
      visit(dep);
    }
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`check:cycles: ${graph.size} files, no import cycles`);
