import type { DateTime } from 'luxon';
import { phaseName, phasesOf, type CatalogVersion } from './types.js';

/**
 * What a new version must respect against a tenant's existing ones (DefaultCatalogUserApi
 * .validateCatalogInternal + DefaultVersionedCatalog.validate): one catalog name for every version, one
 * version per effective date, and a plan keeps its number and names of phases across versions.
 * Messages are Kill Bill's, dates printed as java.util.Date prints them on a UTC JVM.
 */
export function versionErrors(existing: readonly CatalogVersion[], candidate: CatalogVersion): string[] {
  const name = existing[0]?.catalogName;
  if (name !== undefined && name !== '' && candidate.catalogName !== name) {
    // Kill Bill stops at this one.
    return [`Catalog name '${candidate.catalogName}' is different from existing catalog name '${name}'`];
  }
  const versions = [...existing, candidate].sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis());
  const errors: string[] = [];
  const seen = new Set<number>();
  for (const v of versions) {
    const at = v.effectiveDate.toMillis();
    if (seen.has(at)) errors.push(`Catalog effective date '${javaDate(v.effectiveDate)}' already exists for a previous version`);
    seen.add(at);
  }
  return [...errors, ...planShapeErrors(versions)];
}

function planShapeErrors(versions: readonly CatalogVersion[]): string[] {
  const errors: string[] = [];
  versions.forEach((version, i) => {
    for (const plan of version.plans) {
      for (const next of versions.slice(i + 1)) {
        const target = next.plans.find((p) => p.name === plan.name);
        if (!target) continue; // a plan may come back in a later version
        const phases = phasesOf(plan);
        const targetPhases = phasesOf(target);
        const from = javaDate(version.effectiveDate);
        const to = javaDate(next.effectiveDate);
        if (phases.length !== targetPhases.length) {
          errors.push(`Number of phases for plan '${plan.name}' differs between version '${from}' and '${to}'`);
          continue;
        }
        phases.forEach((phase, k) => {
          const name = phaseName(plan, phase);
          if (name !== phaseName(target, targetPhases[k]!)) {
            errors.push(`Phase '${name}'for plan '${plan.name}' in version '${from}' does not exist in version '${to}'`);
          }
        });
      }
    }
  });
  return errors;
}

/** java.util.Date#toString on a UTC JVM (Kill Bill requires one): `Fri Feb 08 00:00:00 UTC 2013`. */
export function javaDate(date: DateTime): string {
  return date.toUTC().setLocale('en-US').toFormat("EEE MMM dd HH:mm:ss 'UTC' yyyy");
}
