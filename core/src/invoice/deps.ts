import type { Logger } from 'pino';
import type { AccountService } from '../account/service.js';
import type { CatalogService } from '../catalog/service.js';
import type { Clock } from '../clock/clock.js';
import type { NotificationQueue } from '../notification/queue.js';
import type { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import type { SubscriptionService } from '../subscription/service.js';
import type { TagService } from '../tag/service.js';
import type { TenantService } from '../tenant/service.js';
import type { InvoicePluginHook } from './plugin-hook.js';

/** What the invoice domain is built from (engine.ts constructs it once). */
export interface InvoiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly accounts: AccountService;
  readonly subscriptions: SubscriptionService;
  readonly catalog: CatalogService;
  readonly tags: TagService;
  readonly tenants: TenantService;
  readonly objects: ObjectRegistry;
  readonly notifications: NotificationQueue;
  readonly plugins: InvoicePluginHook;
}
