import type { Actor, Engine, Subject, TenantRef } from '@billwright/core';
import type { Logger } from 'pino';

/** What middleware puts on a request, typed once for every route (no global ContextVariableMap). */
export interface AppEnv {
  Variables: {
    engine: Engine;
    requestId: string;
    logger: Logger;
    subject: Subject;
    actor: Actor;
    tenant: TenantRef;
  };
}
