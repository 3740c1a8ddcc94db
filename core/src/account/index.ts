export { createAccountService, type AccountService } from './service.js';
export type {
  Account,
  AccountEmail,
  AccountFields,
  AccountInput,
  AccountPage,
  AccountUpdate,
  CloseAccountOptions,
  CreateAccountInput,
  UpdateAccountOptions,
} from './account.js';
