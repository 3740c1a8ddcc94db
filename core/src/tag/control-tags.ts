import type { ObjectType } from '../values/object-type.js';
import type { TagDefinitionId } from '../values/ids.js';

/**
 * Kill Bill's control tags (kbapi util/tag/ControlTagType.java): tag definitions every tenant has,
 * with fixed ids `00000000-0000-0000-0000-00000000000N`, that change how billing treats the tagged
 * object. They are not rows; listing, lookup and tagging treat them as built-in definitions.
 */
export interface BuiltInTagDefinition<Name extends string = string> {
  readonly id: TagDefinitionId;
  readonly name: Name;
  readonly description: string;
  readonly applicableObjectTypes: readonly ObjectType[];
}

export interface ControlTag<Name extends string = string> extends BuiltInTagDefinition<Name> {
  /** Suspends automatic payments (ControlTagType.getAutoPaymentOff). */
  readonly autoPaymentOff: boolean;
  /** Suspends automatic invoicing (ControlTagType.getAutoInvoicingOff). */
  readonly autoInvoicingOff: boolean;
}

const define = <N extends string>(n: number, name: N, description: string, applicableObjectTypes: ObjectType[], autoPaymentOff = false, autoInvoicingOff = false): ControlTag<N> => ({
  id: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}` as TagDefinitionId,
  name,
  description,
  applicableObjectTypes,
  autoPaymentOff,
  autoInvoicingOff,
});

/**
 * AUTO_INVOICING_OFF also applies to bundles (beyond Kill Bill 0.24, whose ControlTagType lists ACCOUNT
 * only, while its billing code still skips subscriptions of a tagged bundle): issue #7 and the semantics
 * guide ask for both levels.
 */
export const CONTROL_TAGS = [
  define(1, 'AUTO_PAY_OFF', 'Suspends payments until removed.', ['ACCOUNT'], true),
  define(2, 'AUTO_INVOICING_OFF', 'Suspends invoicing until removed.', ['ACCOUNT', 'BUNDLE'], false, true),
  define(3, 'OVERDUE_ENFORCEMENT_OFF', 'Suspends overdue enforcement behaviour until removed.', ['ACCOUNT']),
  define(4, 'WRITTEN_OFF', 'Indicates that an invoice is written off. No billing or payment effect.', ['INVOICE']),
  define(5, 'MANUAL_PAY', "Indicates that Killbill doesn't process payments for that account (external payments only)", ['ACCOUNT'], true),
  define(6, 'TEST', 'Indicates that this is a test account', ['ACCOUNT']),
  define(7, 'PARTNER', 'Indicates that this is a partner account', ['ACCOUNT']),
  define(8, 'AUTO_INVOICING_DRAFT', 'Generate account invoices in DRAFT mode.', ['ACCOUNT']),
  define(9, 'AUTO_INVOICING_REUSE_DRAFT', 'Use existing draft invoice if exists.', ['ACCOUNT']),
] as const;

export type ControlTagName = (typeof CONTROL_TAGS)[number]['name'];

/**
 * Kill Bill's system tags (kb:util/.../tag/dao/SystemTags.java): listed with the definitions, but only
 * Kill Bill itself may set them (`__PARK__` marks accounts whose invoicing hit an illegal state).
 */
export const PARK_TAG: BuiltInTagDefinition<'__PARK__'> = {
  id: '00000000-0000-0001-0000-000000000001' as TagDefinitionId,
  name: '__PARK__',
  description: 'Accounts with invalid invoicing state',
  applicableObjectTypes: ['ACCOUNT'],
};

const byId = new Map<string, ControlTag>(CONTROL_TAGS.map((t) => [t.id, t]));
const byName = new Map<string, ControlTag>(CONTROL_TAGS.map((t) => [t.name, t]));

export function controlTagById(id: string): ControlTag | undefined {
  return byId.get(id.toLowerCase());
}

export function controlTagByName(name: string): ControlTag | undefined {
  return byName.get(name);
}

export function controlTag(name: ControlTagName): ControlTag<ControlTagName> {
  return byName.get(name) as ControlTag<ControlTagName>;
}

export function isSystemTagId(id: string): boolean {
  return id.toLowerCase() === PARK_TAG.id;
}

/** Built-in definitions in Kill Bill's listing order (SystemTags.get(true): system tags, then control tags). */
export function builtInTagDefinitions(): readonly BuiltInTagDefinition[] {
  return [PARK_TAG, ...CONTROL_TAGS];
}
