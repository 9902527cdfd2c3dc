import { assertSafePath, parseManifest } from '../bagit';
import { TAG_FILES } from '../packetFormat';
import type { PacketCheckName } from '../verifyPacket';
import type { BagInfo } from './checkBag';
import { firstFew } from './findings';
import type { Findings } from './findings';
import type { ReadFile } from './readPacketFiles';
import { TAG_NAMES, textOf, unusable } from './readPacketFiles';

// The checks sha256sum -c makes, and BagIt's completeness: `tagmanifest` (the tag files the
// signature covers, each as listed, and no other file at the top), `manifest-sha256` and
// `manifest-sha512` (every payload file under data/ as listed, none missing, none unlisted, no
// unsafe path), `payload-oxum` (bag-info's byte and file count of the payload). Each records
// its pass or fail and the files it found missing, extra or altered in `found`.

/** The tag files tagmanifest-sha256.txt lists: all but itself and its signature. */
const LISTED_TAGS: readonly string[] = [
  TAG_FILES.bagit,
  TAG_FILES.bagInfo,
  TAG_FILES.manifest256,
  TAG_FILES.manifest512,
  TAG_FILES.signerPub,
  TAG_FILES.allowedSigners,
];

export function checkTagmanifest(files: ReadonlyMap<string, ReadFile>, found: Findings): void {
  const file = files.get(TAG_FILES.tagmanifest);
  const problems: string[] = [];
  for (const path of files.keys()) {
    if (!path.includes('/') && !TAG_NAMES.has(path)) {
      found.problem(path, 'extra', 'tagmanifest');
      problems.push(`${path} is not a tag file of a packet`);
    }
  }
  const why = unusable(TAG_FILES.tagmanifest, file);
  const listed = why === null ? parseManifest(textOf(file) ?? '', 64) : null;
  if (why !== null) {
    if (!file) found.problem(TAG_FILES.tagmanifest, 'missing', 'tagmanifest');
    problems.push(why);
  } else if (!listed) {
    problems.push(`${TAG_FILES.tagmanifest} is malformed`);
  } else {
    for (const path of listed.keys()) {
      if (!LISTED_TAGS.includes(path)) problems.push(`${TAG_FILES.tagmanifest} lists ${path}, which is not one of the tag files it covers`);
    }
    for (const path of LISTED_TAGS) {
      const present = files.get(path);
      const hash = listed.get(path);
      if (!present) {
        found.problem(path, 'missing', 'tagmanifest');
        problems.push(`${path} is missing`);
      } else if (hash === undefined) {
        found.problem(path, 'extra', 'tagmanifest');
        problems.push(`${TAG_FILES.tagmanifest} does not list ${path}`);
      } else if (present.error !== null || present.sha256 !== hash) {
        found.problem(path, 'altered', 'tagmanifest');
        problems.push(`${path} was altered (SHA-256 differs)`);
      }
    }
  }
  if (problems.length > 0) found.fail('tagmanifest', problems.join('; '));
  else found.pass('tagmanifest', `the ${String(LISTED_TAGS.length)} tag files match ${TAG_FILES.tagmanifest}`);
}

export function checkManifest(files: ReadonlyMap<string, ReadFile>, algorithm: 'sha256' | 'sha512', found: Findings): void {
  const name: PacketCheckName = algorithm === 'sha256' ? 'manifest-sha256' : 'manifest-sha512';
  const manifestPath = algorithm === 'sha256' ? TAG_FILES.manifest256 : TAG_FILES.manifest512;
  const file = files.get(manifestPath);
  const why = unusable(manifestPath, file);
  if (why !== null) {
    if (!file) found.problem(manifestPath, 'missing', name);
    found.fail(name, why);
    return;
  }
  const listed = parseManifest(textOf(file) ?? '', algorithm === 'sha256' ? 64 : 128);
  if (!listed) {
    found.fail(name, `${manifestPath} is malformed`);
    return;
  }
  const bad = [...listed.keys()].filter((path) => {
    try {
      assertSafePath(path);
      return !path.startsWith('data/');
    } catch {
      return true;
    }
  });
  if (bad.length > 0) {
    found.fail(name, `${manifestPath} lists paths outside data/ or unsafe ones: ${firstFew(bad.map((p) => JSON.stringify(p)))}`);
    return;
  }
  const missing: string[] = [];
  const altered: string[] = [];
  const extra = [...files.keys()].filter((path) => path.startsWith('data/') && !listed.has(path));
  for (const [path, hash] of listed) {
    const present = files.get(path);
    if (!present) missing.push(path);
    else if (present.error !== null || present[algorithm] !== hash) altered.push(path);
  }
  for (const path of missing) found.problem(path, 'missing', name);
  for (const path of extra) found.problem(path, 'extra', name);
  for (const path of altered) found.problem(path, 'altered', name);
  const problems = [
    ...(altered.length > 0 ? [`altered: ${firstFew(altered)}`] : []),
    ...(missing.length > 0 ? [`missing: ${firstFew(missing)}`] : []),
    ...(extra.length > 0 ? [`not in the manifest: ${firstFew(extra)}`] : []),
  ];
  if (problems.length > 0) found.fail(name, problems.join('; '));
  else found.pass(name, `${String(listed.size)} payload files match ${manifestPath}`);
}

export function checkOxum(files: ReadonlyMap<string, ReadFile>, info: BagInfo | null, found: Findings): void {
  const payload = [...files.values()].filter((f) => f.path.startsWith('data/'));
  const actual = `${String(payload.reduce((sum, f) => sum + f.size, 0))}.${String(payload.length)}`;
  if (!info) found.fail('payload-oxum', 'bag-info.txt is unreadable, so there is no Payload-Oxum to compare');
  else if (info['Payload-Oxum'] !== actual) found.fail('payload-oxum', `bag-info.txt says ${info['Payload-Oxum']} (bytes.files), the payload is ${actual}`);
  else found.pass('payload-oxum', `${actual} (bytes.files) as bag-info.txt says`);
}
