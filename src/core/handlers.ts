import { basename } from 'node:path';
import type { Handlers } from '../shared/ipc/dispatch';
import { exportList } from './records/exportList';
import type { ExportRequest } from './records/exportList';
import { VaultManager } from './app/vaultManager';
import type { VaultManagerOptions } from './app/vaultManager';
import type { DialogPort } from './app/vaultManager';
import { EvidenceJobs } from './app/evidenceJobs';
import { AuditorPackets } from './app/auditorPackets';
import { PacketJobs } from './app/packetJobs';
import { RedactionJobs } from './app/redactionJobs';
import { EvidenceViews } from './app/evidenceViews';
import { evidenceHandlers } from './evidence/evidenceHandlers';
import { ImportJobs } from './app/importJobs';
import { VerifyJobs } from './app/verifyJobs';
import { acknowledgeLogProblem } from './audit/acknowledgeLogProblem';
import { runSelfTest } from './diagnostics/selfTest';
import { previewFile } from './import/previewFile';
import { queryCompletions } from './records/completionsQuery';
import { personDetail } from './records/personDetail';
import { queryPeople } from './records/peopleQuery';
import { complianceHandlers } from './compliance/complianceHandlers';
import { localToday } from './compliance/calendarDate';
import { peopleCompliance, personRequirements } from './compliance/personCompliance';
import type { CreateVaultOptions } from './vault/createVault';
import { APP_NAME, APP_VERSION } from './version';

export interface CoreOptions {
  /** Folder for the app's own state (settings, recent vaults). Never the renderer's to choose. */
  dataDir: string;
  /** Folder pickers: Electron's dialog in main, a stub in the harness and tests. */
  dialogs?: DialogPort;
  /** Argon2id cost for new vaults and users (default: calibrated on this machine). */
  kdf?: CreateVaultOptions['kdf'];
  /** Told where an unlock's schema upgrade stands (VaultManagerOptions.onUpgrade). */
  onUpgrade?: VaultManagerOptions['onUpgrade'];
}

const noDialogs: DialogPort = {
  chooseFolder: () => Promise.resolve(null),
  chooseFile: () => Promise.resolve(null),
  chooseSaveFile: () => Promise.resolve(null),
  showInFolder: () => Promise.resolve(),
};

/** The wizard's header -> field record as `--map` flags. */
function mapFlags(map: Record<string, string> | undefined): string[] {
  return Object.entries(map ?? {}).map(([header, field]) => `${header}=${field}`);
}

export interface Core {
  handlers: Handlers;
  vaults: VaultManager;
}

/**
 * Core's implementation of every IPC channel. The Electron main process and the browser harness
 * both register exactly this table, so the two transports cannot drift apart.
 */
export function createCore(options: CoreOptions): Core {
  const vaults = new VaultManager({
    dataDir: options.dataDir,
    dialogs: options.dialogs ?? noDialogs,
    ...(options.kdf ? { kdf: options.kdf } : {}),
    ...(options.onUpgrade ? { onUpgrade: options.onUpgrade } : {}),
  });
  const imports = new ImportJobs();
  const evidenceAdds = new EvidenceJobs();
  const verifications = new VerifyJobs();
  const views = new EvidenceViews();
  const redactions = new RedactionJobs();
  const packets = new PacketJobs();
  const auditor = new AuditorPackets();
  // Locking stops and forgets the session's jobs: none outlives the key, none blocks the next session.
  vaults.onLock((session) => {
    imports.abandon(session);
    evidenceAdds.abandon(session);
    verifications.abandon(session);
    views.abandon(session);
    redactions.abandon(session);
    packets.abandon(session);
  });
  const handlers: Handlers = {
    'custodian:app.info': () => Promise.resolve({ name: APP_NAME, version: APP_VERSION, offline: true as const }),
    'custodian:diagnostics.selfTest': () => Promise.resolve({ checks: runSelfTest(options.dataDir) }),
    'custodian:vault.chooseLocation': async ({ purpose }) => ({ location: await vaults.chooseLocation(purpose) }),
    'custodian:vault.recent': async () => ({ vaults: await vaults.recent() }),
    'custodian:vault.create': (input) => vaults.create(input),
    'custodian:vault.unlock': (input) => vaults.unlock(input),
    'custodian:vault.openDemo': () => vaults.openDemo(),
    'custodian:vault.lock': async () => {
      await vaults.lock();
      return { locked: true as const };
    },
    'custodian:vault.status': () => Promise.resolve(vaults.status()),
    // Answered here when core runs in-process; core's host answers it itself (its worker is
    // busy inside the upgrade), from what this core reports through `onUpgrade`.
    'custodian:vault.upgradeProgress': () => Promise.resolve({ upgrade: vaults.upgrade() }),
    'custodian:vault.touch': () => {
      vaults.touch();
      return Promise.resolve({});
    },
    'custodian:vault.verifyLog': () => Promise.resolve({ jobId: verifications.start(vaults.current()) }),
    'custodian:vault.verifyStatus': ({ jobId }) => Promise.resolve(verifications.status(jobId, vaults.current())),
    'custodian:vault.verifyCancel': ({ jobId }) => {
      verifications.cancel(jobId, vaults.current());
      return Promise.resolve({});
    },
    'custodian:vault.acknowledgeLogProblem': async ({ reason }) => ({ problem: await acknowledgeLogProblem(vaults.current(), reason) }),
    'custodian:vault.keepFingerprint': async ({ fingerprint }) => {
      await vaults.keepGenesisFingerprint(fingerprint);
      return { anchored: true as const };
    },
    'custodian:records.people': async (query) => {
      const session = vaults.current();
      // Standing needs the compliance engine: computed (and cached) only when the list shows it.
      return queryPeople(session, query, await peopleCompliance(session, localToday()));
    },
    'custodian:records.personRequirements': ({ personId }) => personRequirements(vaults.current(), personId, localToday()),
    'custodian:records.completions': (query) => queryCompletions(vaults.current(), query),
    'custodian:records.person': ({ personId }) => personDetail(vaults.current(), personId),
    ...complianceHandlers(() => vaults.current()),
    ...evidenceHandlers(() => vaults.current(), views),
    'custodian:evidence.chooseFile': async () => ({ file: await vaults.chooseFile('evidence') }),
    'custodian:evidence.add': async ({ file, personId, links, documentDate, replaces }) => ({
      jobId: await evidenceAdds.start(vaults.current(), vaults.resolveFile(file, 'evidence'), personId ?? null, {
        ...(links ? { links } : {}),
        ...(documentDate ? { documentDate } : {}),
        ...(replaces ? { replaces } : {}),
      }),
    }),
    'custodian:evidence.addStatus': ({ jobId }) => {
      const { result, ...status } = evidenceAdds.status(jobId, vaults.current());
      // The plaintext's SHA-256 stays in core (EvidenceMeta says so); the renderer gets the rest.
      return Promise.resolve({ ...status, result: result && { id: result.id, fileName: result.fileName, mediaType: result.mediaType, size: result.size } });
    },
    'custodian:evidence.addCancel': ({ jobId }) => {
      evidenceAdds.cancel(jobId, vaults.current());
      return Promise.resolve({});
    },
    'custodian:redaction.suggest': async (request) => ({ jobId: await redactions.suggest(vaults.current(), request) }),
    'custodian:redaction.suggestStatus': ({ jobId }) => Promise.resolve(redactions.suggestStatus(jobId, vaults.current())),
    'custodian:redaction.suggestCancel': ({ jobId }) => {
      redactions.suggestCancel(jobId, vaults.current());
      return Promise.resolve({});
    },
    'custodian:packet.options': () => packets.options(vaults.current()),
    'custodian:packet.preview': ({ scope }) => packets.preview(vaults.current(), scope),
    'custodian:packet.chooseFile': async ({ suggestedName }) => ({ file: await vaults.chooseSaveFile(suggestedName) }),
    'custodian:packet.build': async ({ scope, file, recipients, userName, passphrase }) => ({
      jobId: await packets.build(vaults.current(), { scope, out: vaults.resolveSaveFile(file), recipients, userName, passphrase }),
    }),
    'custodian:packet.status': ({ jobId }) => Promise.resolve(packets.status(jobId, vaults.current())),
    'custodian:packet.cancel': ({ jobId }) => {
      packets.cancel(jobId, vaults.current());
      return Promise.resolve({});
    },
    'custodian:packet.showInFolder': async ({ file }) => {
      await vaults.showInFolder(file);
      return {};
    },
    'custodian:auditor.choosePacket': async () => ({ file: await vaults.chooseFile('packet') }),
    'custodian:auditor.open': ({ file }) => Promise.resolve({ jobId: auditor.open(vaults.resolveFile(file, 'packet')) }),
    'custodian:auditor.status': ({ jobId }) => Promise.resolve(auditor.status(jobId)),
    'custodian:auditor.cancel': ({ jobId }) => {
      auditor.cancel(jobId);
      return Promise.resolve({});
    },
    'custodian:auditor.read': ({ path, offset, length }) => auditor.read(path, offset, length),
    'custodian:auditor.sheet': ({ sheet, offset, limit }) => auditor.sheet(sheet, offset, limit),
    'custodian:auditor.close': () => {
      auditor.close();
      return Promise.resolve({});
    },
    'custodian:redaction.start': async (request) => ({ jobId: await redactions.redact(vaults.current(), request) }),
    'custodian:redaction.status': ({ jobId }) => Promise.resolve(redactions.status(jobId, vaults.current())),
    'custodian:redaction.cancel': ({ jobId }) => {
      redactions.cancel(jobId, vaults.current());
      return Promise.resolve({});
    },
    'custodian:export.chooseFile': async ({ suggestedName }) => ({ file: await vaults.chooseSaveFile(suggestedName) }),
    'custodian:export.csv': async ({ file, list }) => {
      const path = vaults.resolveSaveFile(file);
      const { list: which, ...query } = list;
      const request = { list: which, query } as ExportRequest;
      const { rows } = await exportList(vaults.current(), request, path);
      return { rows, fileName: basename(path) };
    },
    'custodian:import.chooseFile': async () => ({ file: await vaults.chooseFile('import') }),
    'custodian:import.preview': ({ file, as, map }) => {
      vaults.current().require('records.import', 'import records');
      return previewFile(vaults.resolveFile(file, 'import'), { ...(as ? { as } : {}), map: mapFlags(map) });
    },
    'custodian:import.start': ({ file, as, map, dateFormat, skipInvalid, dryRun }) =>
      Promise.resolve({
        jobId: imports.start(vaults.current(), vaults.resolveFile(file, 'import'), {
          as,
          map: mapFlags(map),
          ...(dateFormat ? { dateFormat } : {}),
          skipInvalid,
          dryRun,
        }),
      }),
    'custodian:import.status': ({ jobId }) => Promise.resolve(imports.status(jobId, vaults.current())),
    'custodian:import.cancel': ({ jobId }) => {
      imports.cancel(jobId, vaults.current());
      return Promise.resolve({});
    },
    'custodian:settings.setAutoLock': async ({ minutes }) => ({ autoLockMinutes: await vaults.setAutoLock(minutes) }),
  };
  return { handlers, vaults };
}

/** The handler table alone, for transports and tests that need nothing else. */
export function createCoreHandlers(options: CoreOptions): Handlers {
  return createCore(options).handlers;
}
