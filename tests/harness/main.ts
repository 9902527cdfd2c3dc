import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHarness } from './harnessServer';

// `npm run harness -- --port N --data DIR`: serves the built app to a browser, on loopback only.

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    // Stand-ins for the native folder dialogs, which a browser cannot show.
    'pick-create': { type: 'string' },
    'pick-open': { type: 'string' },
    'pick-import': { type: 'string' },
    'pick-evidence': { type: 'string' },
    'pick-save': { type: 'string' },
    'pick-packet': { type: 'string' },
    kdf: { type: 'string', default: 'calibrate' },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`harness: --port must be an integer between 0 and 65535`);
  process.exit(2);
}
const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'custodian-harness-'));
mkdirSync(dataDir, { recursive: true });

const outDir = fileURLToPath(new URL('..', import.meta.url));
const harness = await startHarness({
  port,
  dataDir,
  rendererDir: join(outDir, 'renderer'),
  bridgeFile: join(outDir, 'harness', 'bridge.js'),
  coreWorkerFile: join(outDir, 'core', 'coreWorker.js'),
  pickCreate: values['pick-create'] ?? join(dataDir, 'vaults'),
  pickOpen: values['pick-open'] ?? null,
  pickImport: values['pick-import'] ?? null,
  pickEvidence: values['pick-evidence'] ?? null,
  pickSave: values['pick-save'] ?? null,
  pickPacket: values['pick-packet'] ?? null,
  kdf: values.kdf === 'minimum' ? 'minimum' : 'calibrate',
});
// Tests read this exact line.
console.log(`Custodian harness listening: ${harness.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void harness.close().then(() => process.exit(0));
  });
}
