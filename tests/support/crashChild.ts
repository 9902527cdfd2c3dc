import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { addEvidence, deleteEvidence, listEvidence } from '../../src/core/evidence/evidenceStore';
import { openVault } from '../../src/core/vault/openVault';
import { prng } from './seededRandom';

// The victim of tests/integration/crashSafety.test.ts, built to out/test-support/crashChild.js.
// `node crashChild.js VAULT_DIR` with CUSTODIAN_USER and CUSTODIAN_PASSPHRASE in the
// environment: unlocks the vault, prints `ready`, then adds and deletes evidence until it is
// killed. After each change it commits, it prints one line, so the parent knows which changes
// were acknowledged and must survive the kill; before a deletion it also names its target, so
// the parent knows which row an interrupted deletion may have removed:
//   added <id>
//   deleting <id>
//   deleted <id>
// CUSTODIAN_CRASH_SEED (optional) seeds the sizes, so a failing run can be replayed.

const MAX_SIZE = 600 * 1024;
const CHUNK = 64 * 1024;

/** mulberry32: small, seeded, good enough to pick sizes. */
/** `size` random bytes, produced on demand in chunks of at most 64 KiB. */
function randomSource(size: number): Readable {
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(randomBytes(n));
    },
  });
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const user = process.env.CUSTODIAN_USER;
  const passphrase = process.env.CUSTODIAN_PASSPHRASE;
  if (!dir || !user || !passphrase) {
    throw new Error('usage: CUSTODIAN_USER=... CUSTODIAN_PASSPHRASE=... node crashChild.js VAULT_DIR');
  }
  const random = prng(Number(process.env.CUSTODIAN_CRASH_SEED ?? Date.now()));
  const session = await openVault(dir, { user, passphrase: Buffer.from(passphrase) });
  process.stdout.write('ready\n');

  for (let iteration = 1; ; iteration++) {
    const size = Math.floor(random() * (MAX_SIZE + 1));
    const added = await addEvidence(session, { source: randomSource(size), fileName: `crash-${String(iteration)}.bin` });
    process.stdout.write(`added ${added.id}\n`);
    if (iteration % 3 === 0) {
      const oldest = (await listEvidence(session))[0];
      if (oldest) {
        process.stdout.write(`deleting ${oldest.id}\n`);
        await deleteEvidence(session, oldest.id, 'crash-safety test: making room');
        process.stdout.write(`deleted ${oldest.id}\n`);
      }
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`crashChild: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
