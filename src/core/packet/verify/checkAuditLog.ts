import { entryLeafHex } from '../../audit/auditLog';
import type { Checkpoint } from '../../audit/checkpoint';
import { CHECKPOINT_NAMESPACE, parseCheckpointNote, resolveCheckpointNote } from '../../audit/checkpoint';
import { verifyConsistency, verifyInclusion } from '../../audit/merkle';
import { keysFor, parseAllowedSigners } from '../../crypto/allowedSigners';
import { parseSshsigArmor, sshFingerprint, sshsigVerify } from '../../crypto/sshsig';
import { PAYLOAD } from '../packetFormat';
import type { VerifyPacketOptions } from '../verifyPacket';
import type { BagInfo } from './checkBag';
import { firstFew } from './findings';
import type { Findings } from './findings';
import type { ReadFile } from './readPacketFiles';
import { textOf, unusable } from './readPacketFiles';
import type { ReadProofs } from './readProofs';

// The audit-log checks, which stock tools cannot make: `checkpoint` (data/audit/checkpoint.txt is
// a checkpoint note signed by a key in data/audit/allowed_signers, its .sig an SSHSIG by the same
// key, and bag-info.txt and proofs.json state the same log), `proofs` (each cited entry's
// inclusion proof and each earlier packet's consistency proof verify against that checkpoint),
// and `since` (the log the packet proves extends a checkpoint the caller kept: no rollback, no
// rewrite). readProofs (./readProofs.ts) and logKeysOf return a one-line reason instead of
// throwing; each check records its pass or fail in `found`.

const hashes = (path: readonly string[]): Buffer[] => path.map((h) => Buffer.from(h, 'hex'));

export function checkProofs(proofs: ReadProofs | string, found: Findings): void {
  if (typeof proofs === 'string') {
    found.fail('proofs', proofs);
    return;
  }
  const root = Buffer.from(proofs.root, 'hex');
  const badInclusion: number[] = [];
  const foreignLeaf: number[] = [];
  let withheld = 0;
  for (const item of proofs.inclusion) {
    // A withheld field is part of the leaf: the leaf is taken as given (the path proves it), the
    // entry's other fields cannot be checked against it. Else the leaf is the entry's own.
    let leaf: string;
    if ('withheld' in item) {
      withheld += 1;
      leaf = item.leaf;
    } else {
      leaf = entryLeafHex(item.entry);
      if (item.leaf !== undefined && item.leaf !== leaf) foreignLeaf.push(item.entry.seq);
    }
    if (!verifyInclusion(Buffer.from(leaf, 'hex'), item.entry.seq, proofs.size, hashes(item.path), root)) badInclusion.push(item.entry.seq);
  }
  const badConsistency = proofs.consistency
    .filter((c) => !verifyConsistency(c.size, proofs.size, Buffer.from(c.root, 'hex'), root, hashes(c.path)))
    .map((c) => `${c.packetId} (${String(c.size)} entries)`);
  const problems = [
    ...(foreignLeaf.length > 0 ? [`the leaf given for entries ${firstFew(foreignLeaf.map(String))} is not the entry's own`] : []),
    ...(badInclusion.length > 0 ? [`the inclusion proof of entries ${firstFew(badInclusion.map(String))} does not verify`] : []),
    ...(badConsistency.length > 0 ? [`the consistency proof from earlier packet ${firstFew(badConsistency)} does not verify`] : []),
  ];
  const withheldNote =
    withheld > 0
      ? `; ${String(withheld)} ${withheld === 1 ? "entry's" : "entries'"} free text withheld (their leaves proven; their other fields cannot be checked without the text)`
      : '';
  if (problems.length > 0) found.fail('proofs', problems.join('; ') + withheldNote);
  else {
    found.pass(
      'proofs',
      `${String(proofs.inclusion.length)} cited log entries proven in the log of ${String(proofs.size)} entries; ` +
        `consistent with ${String(proofs.consistency.length)} earlier packet checkpoint(s)${withheldNote}`,
    );
  }
}

/** Ed25519 keys (raw base64) the packet's data/audit/allowed_signers allows to sign checkpoints. */
export function logKeysOf(files: ReadonlyMap<string, ReadFile>): string[] | string {
  const file = files.get(PAYLOAD.logAllowedSigners);
  const why = unusable(PAYLOAD.logAllowedSigners, file);
  if (why !== null) return why;
  try {
    return keysFor(parseAllowedSigners(textOf(file) ?? ''), null, CHECKPOINT_NAMESPACE).map((key) => key.toString('base64'));
  } catch (error) {
    return `${PAYLOAD.logAllowedSigners}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export function checkCheckpoint(
  files: ReadonlyMap<string, ReadFile>,
  info: BagInfo | null,
  proofs: ReadProofs | string,
  logKeys: string[] | string,
  found: Findings,
): Checkpoint | null {
  const fail = (reason: string): null => {
    found.fail('checkpoint', reason);
    return null;
  };
  if (typeof logKeys === 'string') return fail(logKeys);
  const noteFile = files.get(PAYLOAD.checkpoint);
  const sigFile = files.get(PAYLOAD.checkpointSig);
  const why = unusable(PAYLOAD.checkpoint, noteFile) ?? unusable(PAYLOAD.checkpointSig, sigFile);
  if (why !== null) return fail(why);
  const noteText = textOf(noteFile) ?? '';
  const note = parseCheckpointNote(noteText);
  if (!note) return fail(`${PAYLOAD.checkpoint} is not a signed checkpoint note`);
  const checkpoint = resolveCheckpointNote(note, logKeys);
  if (!checkpoint) return fail(`${PAYLOAD.checkpoint} is not signed by a key in ${PAYLOAD.logAllowedSigners}`);
  const sig = parseSshsigArmor(textOf(sigFile) ?? '');
  if (!sig) return fail(`${PAYLOAD.checkpointSig} is not an Ed25519 SSH signature as ssh-keygen writes it`);
  if (sig.namespace !== CHECKPOINT_NAMESPACE)
    return fail(`${PAYLOAD.checkpointSig} is for namespace ${JSON.stringify(sig.namespace)}, not ${CHECKPOINT_NAMESPACE}`);
  if (
    !sig.publicKey.equals(Buffer.from(checkpoint.publicKey, 'base64')) ||
    !sshsigVerify(Buffer.from(noteText), CHECKPOINT_NAMESPACE, sig.publicKey, sig.signature)
  ) {
    return fail(`${PAYLOAD.checkpointSig} is not a good signature over ${PAYLOAD.checkpoint} by the key that signed the note`);
  }
  const stated = `${String(checkpoint.size)} ${checkpoint.root}`;
  if (info && info['Custodian-Checkpoint'] !== stated) return fail(`bag-info.txt states the checkpoint ${info['Custodian-Checkpoint']}, the note ${stated}`);
  if (typeof proofs !== 'string') {
    const rootHex = Buffer.from(checkpoint.root, 'base64').toString('hex');
    if (proofs.size !== checkpoint.size || proofs.root !== rootHex || proofs.vaultId !== checkpoint.vaultId) {
      return fail(`${PAYLOAD.proofs} proves against a different log (vault, size or root) than ${PAYLOAD.checkpoint}`);
    }
  }
  found.pass(
    'checkpoint',
    `the log of vault ${checkpoint.vaultId} had ${String(checkpoint.size)} entries, root ${checkpoint.root}, signed by ${checkpoint.signer} (${sshFingerprint(sig.publicKey)}) at ${checkpoint.at}`,
  );
  return checkpoint;
}

export function checkSince(
  sinceText: string,
  proofs: ReadProofs | string,
  checkpoint: Checkpoint | null,
  logKeys: string[] | string,
  options: VerifyPacketOptions,
  found: Findings,
): void {
  const fail = (reason: string): void => {
    found.fail('since', reason);
  };
  const note = parseCheckpointNote(sinceText);
  if (!note) {
    fail('the checkpoint you gave is not a signed checkpoint note');
    return;
  }
  const keys = new Set(typeof logKeys === 'string' ? [] : logKeys);
  if (options.allowedSigners !== undefined) {
    try {
      for (const key of keysFor(parseAllowedSigners(options.allowedSigners), null, CHECKPOINT_NAMESPACE)) keys.add(key.toString('base64'));
    } catch {
      // The signature check reports a malformed file.
    }
  }
  const kept = resolveCheckpointNote(note, keys);
  if (!kept) {
    fail(
      `the checkpoint you gave (${String(note.size)} entries) is not signed by a key in ${PAYLOAD.logAllowedSigners} or your allowed signers: forged, or from another log`,
    );
    return;
  }
  if (typeof proofs === 'string' || !checkpoint) {
    fail('the packet has no verified checkpoint and proofs to compare it with');
    return;
  }
  if (kept.vaultId !== proofs.vaultId) {
    fail(`the checkpoint you gave is of vault ${kept.vaultId}, the packet of vault ${proofs.vaultId}`);
    return;
  }
  const rootHex = Buffer.from(kept.root, 'base64').toString('hex');
  if (kept.size > proofs.size) {
    fail(`rolled back: the packet's log has ${String(proofs.size)} entries, fewer than the ${String(kept.size)} of the checkpoint you gave`);
    return;
  }
  if (kept.size === proofs.size) {
    if (rootHex === proofs.root) found.pass('since', `the packet's checkpoint is the one you gave (${String(kept.size)} entries)`);
    else fail(`the log was rewritten: at ${String(kept.size)} entries its root differs from the checkpoint you gave`);
    return;
  }
  const proof = proofs.consistency.find((c) => c.size === kept.size && c.root === rootHex);
  if (!proof) {
    const other = proofs.consistency.find((c) => c.size === kept.size);
    fail(
      other
        ? `the log was rewritten: the packet's log at ${String(kept.size)} entries has another root than the checkpoint you gave`
        : `the packet holds no consistency proof from the checkpoint you gave (${String(kept.size)} entries)`,
    );
    return;
  }
  if (!verifyConsistency(kept.size, proofs.size, Buffer.from(rootHex, 'hex'), Buffer.from(proofs.root, 'hex'), hashes(proof.path))) {
    fail(`the consistency proof from the checkpoint you gave (${String(kept.size)} entries) does not verify`);
    return;
  }
  found.pass('since', `the packet's log (${String(proofs.size)} entries) extends the checkpoint you gave (${String(kept.size)} entries)`);
}
