import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';

/**
 * JSON columns that read back as values on MariaDB too. MariaDB's JSON is LONGTEXT on the wire, so
 * mysql2 hands back a string where MySQL would hand back an object, and MikroORM's mysql platform
 * assumes the driver already parsed it. Use it as `p.json<T>().type(JsonColumn)`.
 */
export class JsonColumn extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    if (typeof value === 'string') return platform.convertJsonToJSValue(value, context);
    return super.convertToJSValue(value as string, platform, context);
  }
}
