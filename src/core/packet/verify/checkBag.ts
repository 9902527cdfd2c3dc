import { parseBagInfo } from '../bagit';
import { BAGIT_TXT, PACKET_ROOT_PREFIX, TAG_FILES } from '../packetFormat';
import { firstFew } from './findings';
import type { Findings } from './findings';
import type { ReadFile } from './readPacketFiles';
import { textOf, unusable } from './readPacketFiles';

// The `bagit` check: bagit.txt is the BagIt 1.0 declaration Custodian writes, bag-info.txt has
// each field the other checks rely on exactly once, no file sits outside data/ but the tag
// files, and the zip's one folder is named after the packet. Records its pass or fail in
// `found`; returns bag-info's fields only if all of them could be read.

const REQUIRED_BAG_INFO = [
  'Source-Organization',
  'Bagging-Date',
  'Bag-Software-Agent',
  'External-Identifier',
  'Payload-Oxum',
  'Custodian-Signer',
  'Custodian-Signer-Fingerprint',
  'Custodian-Checkpoint',
] as const;
export type BagInfo = Record<(typeof REQUIRED_BAG_INFO)[number], string>;

export function checkBag(files: ReadonlyMap<string, ReadFile>, root: string, found: Findings): BagInfo | null {
  const problems: string[] = [];
  const bagit = files.get(TAG_FILES.bagit);
  if (!bagit) found.problem(TAG_FILES.bagit, 'missing', 'bagit');
  const bagitWhy = unusable(TAG_FILES.bagit, bagit);
  if (bagitWhy !== null) problems.push(bagitWhy);
  else if (textOf(bagit) !== BAGIT_TXT) problems.push('bagit.txt is not the BagIt 1.0 declaration Custodian writes');
  const stray = [...files.keys()].filter((path) => path.includes('/') && !path.startsWith('data/'));
  for (const path of stray) found.problem(path, 'extra', 'bagit');
  if (stray.length > 0) problems.push(`files outside data/ that no manifest lists: ${firstFew(stray)}`);

  let info: BagInfo | null = null;
  const infoFile = files.get(TAG_FILES.bagInfo);
  if (!infoFile) found.problem(TAG_FILES.bagInfo, 'missing', 'bagit');
  const why = unusable(TAG_FILES.bagInfo, infoFile);
  const fields = why === null ? parseBagInfo(textOf(infoFile) ?? '') : null;
  if (why !== null) problems.push(why);
  else if (!fields) problems.push('bag-info.txt is malformed');
  else {
    const missing = REQUIRED_BAG_INFO.filter((label) => fields.filter(([l]) => l === label).length !== 1);
    if (missing.length > 0) problems.push(`bag-info.txt lacks (or repeats) ${missing.join(', ')}`);
    else info = Object.fromEntries(REQUIRED_BAG_INFO.map((label) => [label, fields.find(([l]) => l === label)?.[1] ?? ''])) as BagInfo;
  }
  if (info && `${PACKET_ROOT_PREFIX}${info['External-Identifier']}` !== root) {
    problems.push(`the zip's folder ${root}/ does not match External-Identifier ${info['External-Identifier']}`);
  }
  if (problems.length > 0) found.fail('bagit', problems.join('; '));
  else found.pass('bagit', 'bagit.txt declares BagIt 1.0; bag-info.txt has every field; one packet folder');
  return info;
}
