import type { EntityManager } from '@mikro-orm/core';
import type { CallContext, SystemCallContext } from '../context.js';

/**
 * Which call context a transaction's entity manager writes for. writeTx registers it; the audit
 * recorder reads it at flush time. A flush of audited rows through an unregistered manager is refused,
 * which is how "every write goes through writeTx" is kept by construction.
 */
const contexts = new WeakMap<EntityManager, CallContext | SystemCallContext>();

export function bindWriteContext(em: EntityManager, ctx: CallContext | SystemCallContext): void {
  contexts.set(em, ctx);
}

export function writeContextOf(em: EntityManager): CallContext | SystemCallContext | undefined {
  return contexts.get(em);
}
