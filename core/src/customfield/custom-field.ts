import type { ObjectType } from '../values/object-type.js';
import type { CustomFieldId } from '../values/ids.js';

/** A name/value pair on one object (Kill Bill's CustomField). */
export interface CustomField {
  readonly id: CustomFieldId;
  readonly objectType: ObjectType;
  readonly objectId: string;
  readonly name: string;
  readonly value: string;
  readonly createdDate: Date;
}

export interface NewCustomField {
  readonly name: string;
  readonly value: string;
}

/** A change of value; a name, when given, must be the field's own (names cannot change). */
export interface CustomFieldUpdate {
  readonly id: CustomFieldId;
  readonly name?: string | null;
  readonly value: string;
}

export interface CustomFieldPage {
  readonly items: readonly CustomField[];
  readonly offset: number;
  /** Rows that match, over all pages. */
  readonly total: number;
  /** Active custom fields the tenant has, whatever the search (Kill Bill's MaxNbRecords). */
  readonly max: number;
}
