import { createHash } from 'node:crypto';

/**
 * Remembers credentials that verified, so that scrypt (tens of milliseconds by design) runs once per
 * credential and not once per request. Keys are a SHA-256 of name and secret together: the cache never
 * holds a secret in clear, and a changed secret simply misses. Entries expire, and are dropped when the
 * user or tenant they belong to changes.
 */
export class CredentialCache<V> {
  readonly #entries = new Map<string, { value: V; name: string; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs = 5 * 60_000, max = 10_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get(name: string, secret: string): V | undefined {
    const key = digest(name, secret);
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt < Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(name: string, secret: string, value: V): void {
    if (this.#entries.size >= this.#max) this.#entries.clear();
    this.#entries.set(digest(name, secret), { value, name, expiresAt: Date.now() + this.#ttlMs });
  }

  forget(name: string): void {
    for (const [key, entry] of this.#entries) if (entry.name === name) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

function digest(name: string, secret: string): string {
  return createHash('sha256').update(name).update('\0').update(secret).digest('base64');
}
