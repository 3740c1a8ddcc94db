import { AccountEmailEntity, AccountEntity } from './account/model.js';
import { AuditLogEntity } from './audit/model.js';
import { BusEventEntity, BusEventHistoryEntity } from './bus/model.js';
import { NotificationEntity, NotificationHistoryEntity } from './notification/model.js';
import { CatalogVersionEntity } from './catalog/model.js';
import { TestClockEntity } from './clock/model.js';
import { CustomFieldEntity } from './customfield/model.js';
import { RoleEntity, UserEntity } from './security/model.js';
import { TagDefinitionEntity, TagEntity } from './tag/model.js';
import { TenantEntity, TenantKvEntity } from './tenant/model.js';
import { subscriptionEntities } from './subscription/model.js';
import { invoiceEntities } from './invoice/model.js';
import { paymentEntities } from './payment/model.js';
import { RolledUpUsageEntity } from './usage/model.js';
import { PluginKvEntity } from './plugins/storage-model.js';

/** Every table Billwright owns. Migrations are generated from this list (server/src/cli/create-migration.ts). */
export const entities = [
  TenantEntity,
  TenantKvEntity,
  UserEntity,
  RoleEntity,
  AccountEntity,
  AccountEmailEntity,
  TagDefinitionEntity,
  TagEntity,
  CustomFieldEntity,
  CatalogVersionEntity,
  AuditLogEntity,
  TestClockEntity,
  BusEventEntity,
  BusEventHistoryEntity,
  NotificationEntity,
  NotificationHistoryEntity,
  ...subscriptionEntities,
  ...invoiceEntities,
  ...paymentEntities,
  RolledUpUsageEntity,
  PluginKvEntity,
];
