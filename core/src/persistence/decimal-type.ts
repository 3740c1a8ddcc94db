import { Type, type EntityProperty, type Platform } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';

/** DECIMAL(15,9) read as decimal.js: no amount ever passes through a JS number. */
export class DecimalJsType extends Type<Decimal | null, string | null> {
  override convertToDatabaseValue(value: Decimal | string | null): string | null {
    return value == null ? null : new Decimal(value).toFixed();
  }

  override convertToJSValue(value: string | null): Decimal | null {
    return value == null ? null : new Decimal(value);
  }

  override compareAsType(): string {
    return 'string';
  }

  override compareValues(a: unknown, b: unknown): boolean {
    return String(a) === String(b);
  }

  override ensureComparable(): boolean {
    return false;
  }

  override getColumnType(prop: EntityProperty, platform: Platform): string {
    return platform.getDecimalTypeDeclarationSQL({ precision: prop.precision ?? 15, scale: prop.scale ?? 9 });
  }
}
