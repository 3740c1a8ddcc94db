export { createTenantService, type TenantService } from './service.js';
export { TenantKey, type Tenant, type TenantKeyValue, type CreateTenantInput } from './tenant.js';
