import { z } from 'zod';
import fedrampModerate from '../../../resources/frameworks/fedramp-moderate.json';
import gdpr from '../../../resources/frameworks/gdpr.json';
import hipaa from '../../../resources/frameworks/hipaa.json';
import oshaBbp from '../../../resources/frameworks/osha-bbp.json';
import soc2 from '../../../resources/frameworks/soc2.json';
import { CustodianError } from '../../shared/errors';
import { frameworkPackSchema, type FrameworkPack } from './requirementRule';

/** A pack as shipped: its file in resources/frameworks/ and that file's JSON, not yet trusted. */
export interface PackSource {
  file: string;
  json: unknown;
}

/** The packs bundled with the app, in the order the officer sees them. */
export const PACK_SOURCES: readonly PackSource[] = [
  { file: 'hipaa.json', json: hipaa },
  { file: 'osha-bbp.json', json: oshaBbp },
  { file: 'soc2.json', json: soc2 },
  { file: 'gdpr.json', json: gdpr },
  { file: 'fedramp-moderate.json', json: fedrampModerate },
];

/**
 * Parses packs with `frameworkPackSchema` and checks what the schema cannot see: a pack's id is
 * its file's name, each requirement id starts with `<pack id>.`, and no requirement id appears
 * twice across all packs (the vault keys requirement versions by that id alone).
 *
 * @throws CustodianError `internal`, naming the file and the zod issue: a pack that fails here
 *   shipped broken, and the app must not start with it.
 */
export function parsePacks(sources: readonly PackSource[]): FrameworkPack[] {
  const packs: FrameworkPack[] = [];
  const requirementFile = new Map<string, string>();
  const packIds = new Set<string>();
  for (const { file, json } of sources) {
    const where = `resources/frameworks/${file}`;
    const parsed = frameworkPackSchema.safeParse(json);
    if (!parsed.success) {
      throw new CustodianError('internal', `${where} is not a valid framework pack:\n${z.prettifyError(parsed.error)}`);
    }
    const pack = parsed.data;
    if (`${pack.id}.json` !== file) {
      throw new CustodianError('internal', `${where}: the pack id "${pack.id}" must match the file name`);
    }
    if (packIds.has(pack.id)) throw new CustodianError('internal', `${where}: pack id "${pack.id}" is used twice`);
    packIds.add(pack.id);
    for (const requirement of pack.requirements) {
      if (!requirement.id.startsWith(`${pack.id}.`)) {
        throw new CustodianError('internal', `${where}: requirement id "${requirement.id}" must start with "${pack.id}."`);
      }
      const earlier = requirementFile.get(requirement.id);
      if (earlier !== undefined) {
        throw new CustodianError('internal', `${where}: requirement id "${requirement.id}" is already used in resources/frameworks/${earlier}`);
      }
      requirementFile.set(requirement.id, file);
    }
    packs.push(pack);
  }
  return packs;
}

/** Every shipped pack, parsed when this module loads (a broken pack throws at import). */
export const FRAMEWORK_PACKS: readonly FrameworkPack[] = parsePacks(PACK_SOURCES);

/** The shipped pack with this id, or undefined. */
export function findPack(id: string): FrameworkPack | undefined {
  return FRAMEWORK_PACKS.find((pack) => pack.id === id);
}
