/**
 * Half-open day intervals [start, end) as epoch days, the unit the repair diff works in. Lists are kept
 * sorted by start and disjoint.
 */
export interface Segment {
  readonly start: number;
  readonly end: number;
}

/** Sorts and merges overlapping or touching segments. */
export function normalize(segments: readonly Segment[]): Segment[] {
  const sorted = segments.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else out.push(s);
  }
  return out;
}

/** `from` minus the union of `minus` (both normalized). */
export function subtract(from: readonly Segment[], minus: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  let j = 0;
  for (const f of from) {
    let cursor = f.start;
    while (j < minus.length && minus[j]!.end <= cursor) j++;
    let k = j;
    while (k < minus.length && minus[k]!.start < f.end) {
      const m = minus[k]!;
      if (m.start > cursor) out.push({ start: cursor, end: m.start });
      cursor = Math.max(cursor, m.end);
      if (m.end > f.end) break;
      k++;
    }
    if (cursor < f.end) out.push({ start: cursor, end: f.end });
  }
  return out;
}
