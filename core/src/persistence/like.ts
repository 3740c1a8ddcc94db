/** Escapes LIKE's wildcards so a user's text matches literally (MariaDB's default escape is the backslash). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
