import type { ObjectType } from '../values/object-type.js';
import type { TagDefinitionId, TagId } from '../values/ids.js';

/** A tag definition as the API shows it: one of the tenant's own, or a built-in control/system tag. */
export interface TagDefinition {
  readonly id: TagDefinitionId;
  readonly name: string;
  readonly description: string;
  readonly isControlTag: boolean;
  readonly applicableObjectTypes: readonly ObjectType[];
}

export interface CreateTagDefinitionInput {
  readonly name: string;
  readonly description: string;
  readonly applicableObjectTypes: readonly string[];
}

/** A tag on one object, with the name of its definition (Kill Bill's TagJson carries it). */
export interface Tag {
  readonly id: TagId;
  readonly objectType: ObjectType;
  readonly objectId: string;
  readonly tagDefinitionId: TagDefinitionId;
  readonly tagDefinitionName: string;
  readonly isActive: boolean;
  readonly createdDate: Date;
}

/** One page of a list or search, with what Kill Bill's pagination headers need. */
export interface TagPage {
  readonly items: readonly Tag[];
  readonly offset: number;
  /** Rows that match, over all pages. */
  readonly total: number;
  /** Active tags the tenant has, whatever the search (Kill Bill's MaxNbRecords). */
  readonly max: number;
}
