export { createCustomFieldService, type CustomFieldService } from './service.js';
export type { CustomField, CustomFieldPage, CustomFieldUpdate, NewCustomField } from './custom-field.js';
