import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchAgeStream } from './ageStream.bench';
import { benchDashboard } from './dashboard.bench';
import { benchEvidenceAdd } from './evidenceAdd.bench';
import { benchImportCsv, benchImportXlsx } from './import.bench';
import { benchIpcDispatch } from './ipcDispatch.bench';
import { benchMainLoop } from './mainLoop.bench';
import { benchPacket } from './packet.bench';
import { benchPdfView } from './pdfView.bench';
import { formatFigure } from './measure';
import type { Figure } from './measure';
import { benchRedaction } from './redaction.bench';
import { benchScreens } from './screens.bench';
import { benchSealBlob } from './sealBlob.bench';
import { benchStatus } from './status.bench';
import { benchSuggestPeople } from './suggestPeople.bench';
import { benchUnlockStall } from './unlockStall.bench';

// `npm run bench`: prints one line per figure, each beside a baseline measured in this same run
// (the machines are shared and noisy, so absolute numbers mean little). Never fails a build.
// Each benchmark runs in its own process, so peak-RSS figures are its own.

const benches: Record<string, () => Promise<Figure[]>> = {
  ipc: benchIpcDispatch,
  age: benchAgeStream,
  unlock: benchUnlockStall,
  mainLoop: benchMainLoop,
  evidenceAdd: benchEvidenceAdd,
  seal: benchSealBlob,
  importCsv: benchImportCsv,
  importXlsx: benchImportXlsx,
  screens: benchScreens,
  dashboard: benchDashboard,
  status: benchStatus,
  pdfView: benchPdfView,
  redaction: benchRedaction,
  suggestPeople: benchSuggestPeople,
  packet: benchPacket,
};

const only = process.argv[2];
if (only) {
  const bench = benches[only];
  if (!bench) {
    console.log(`unknown benchmark ${only}; known: ${Object.keys(benches).join(', ')}`);
  } else {
    try {
      for (const figure of await bench()) console.log(formatFigure(figure));
    } catch (error) {
      console.log(`${only}: failed to run (${error instanceof Error ? error.message : String(error)})`);
    }
  }
} else {
  for (const name of Object.keys(benches)) {
    spawnSync(process.execPath, [fileURLToPath(import.meta.url), name], { stdio: 'inherit' });
  }
}
