/**
 * Why a report has no score, and what to do first: said the same way by the CLI and the
 * dashboard (`where` picks the wording of the next step).
 * @param people people on file; @param frameworks framework packs enabled.
 */
export function whyNoScore(people: number, frameworks: number, where: 'cli' | 'app'): string {
  if (people === 0) {
    return where === 'cli'
      ? 'Nobody is on file: import the roster first (custodian import VAULT roster.csv), then training records.'
      : 'Nobody is on file yet, so there is nothing to measure. Import your roster and training records (People, then Import…).';
  }
  if (frameworks === 0) {
    return where === 'cli'
      ? 'No framework pack is enabled: enable one (custodian framework list VAULT, then framework enable).'
      : 'No framework pack is enabled, so no requirement is counted. Enable one under Frameworks….';
  }
  return where === 'cli'
    ? 'No requirement is in force for anyone on file on this date: a pack counts from its effective date (the day it was enabled unless stated: framework enable --effective); else check scopes, hire dates and the roster.'
    : 'No requirement is in force for anyone on file on this date. A pack counts from its effective date (the day it was enabled, unless another was stated under Frameworks…); otherwise check the requirements’ scopes and the roster’s units, roles and hire dates.';
}
