import type { Database } from '../persistence/database.js';

/**
 * Reads and writes of plugin-owned storage (storage-model.ts), always on the call's tenant (the host API
 * binds it) and the calling plugin's name. Plain statements on a pooled connection: each is one round
 * trip, and a put is atomic on its own (upsert on the unique tenant/plugin/key).
 */
export interface PluginStorage {
  get(tenantRecordId: number, pluginName: string, key: string): Promise<string | null>;
  put(tenantRecordId: number, pluginName: string, key: string, value: string, now: Date): Promise<void>;
}

export const MAX_PLUGIN_STORAGE_KEY = 255;
export const MAX_PLUGIN_STORAGE_VALUE = 16 * 1024 * 1024 - 1;

export function createPluginStorage(db: Database): PluginStorage {
  const conn = () => db.fork().getConnection();
  return {
    async get(tenantRecordId, pluginName, key) {
      const rows = (await conn().execute(
        'select storage_value from plugin_kvs where tenant_record_id = ? and plugin_name = ? and storage_key = ?',
        [tenantRecordId, pluginName, key],
        'all',
      )) as { storage_value: string }[];
      return rows[0]?.storage_value ?? null;
    },
    async put(tenantRecordId, pluginName, key, value, now) {
      await conn().execute(
        `insert into plugin_kvs (tenant_record_id, plugin_name, storage_key, storage_value, created_date, updated_date) values (?, ?, ?, ?, ?, ?)
         on duplicate key update storage_value = values(storage_value), updated_date = values(updated_date)`,
        [tenantRecordId, pluginName, key, value, now, now],
        'run',
      );
    },
  };
}
