import { z } from 'zod';
import { COMPLIANCE_STATUSES, NOT_APPLICABLE_REASONS, PERSON_COMPLIANCE } from '../compliance/complianceStatus';
import { ROLES } from '../roles';
import { complianceChannels } from './complianceChannels';
import { evidenceChannels } from './evidenceChannels';
import { packetChannels } from './packetChannels';
import { redactionChannels } from './redactionChannels';

const empty = z.object({}).strict();
const token = z.string().min(8).max(64);
const location = z.object({ token: z.string(), displayName: z.string() });
const vaultInfo = z.object({ vaultId: z.string(), name: z.string(), user: z.string(), role: z.enum(ROLES) });
/** Passphrases cross IPC once, into core, and are never echoed back or logged. */
const passphrase = z.string().min(1).max(1024);
const importKind = z.enum(['roster', 'completions', 'certifications']);
/** Who recorded one version of a record, when, why, and from which source row. */
const recordVersion = z.object({
  version: z.number().int(),
  recordedAt: z.string(),
  recordedBy: z.string(),
  reason: z.string().nullable(),
  sourceRow: z.number().int().nullable(),
});
const importResult = z.object({
  file: z.string(),
  sha256: z.string(),
  kind: importKind,
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  sheet: z.string().nullable(),
  mapping: z.record(z.string(), z.string()),
  ignoredColumns: z.array(z.string()),
  rows: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  invalid: z.number().int(),
  coursesCreated: z.number().int(),
  committed: z.boolean(),
  bulk: z.boolean(),
  dryRun: z.boolean(),
  cancelled: z.boolean(),
  warnings: z.array(z.string()),
  report: z.array(z.object({ row: z.number().int(), column: z.string().nullable(), value: z.string().nullable(), reason: z.string() })),
});
/** A page of a record list: what the windowed tables ask for. */
const pageFields = {
  search: z.string().max(200).optional(),
  offset: z.number().int().min(0).max(10_000_000),
  limit: z.number().int().min(1).max(500),
};
/** Header -> field (or 'ignore'), as the officer edited it. */
const importMap = z.record(z.string().max(200), z.string().max(40));

/**
 * The one IPC contract. Each channel is `custodian:<feature>.<action>` and maps to the zod
 * schema of its input (parsed in main / the harness before core sees it) and of its output
 * (parsed before it is returned, so a handler cannot leak fields the contract does not name).
 *
 * Inputs are always strict objects: unknown keys are a validation error, not silently dropped.
 * The preload API, the main-process registration and the harness bridge are all derived from
 * this table; `contract.test.ts` proves they agree.
 */
export const contract = {
  'custodian:app.info': {
    input: z.object({}).strict(),
    output: z.object({
      name: z.string(),
      version: z.string(),
      /** Always true: this build makes no network connections. */
      offline: z.literal(true),
    }),
  },
  'custodian:diagnostics.selfTest': {
    input: z.object({}).strict(),
    output: z.object({
      checks: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          ok: z.boolean(),
          detail: z.string(),
        }),
      ),
    }),
  },
  'custodian:vault.chooseLocation': {
    input: z.object({ purpose: z.enum(['create', 'open']) }).strict(),
    output: z.object({ location: location.nullable() }),
  },
  'custodian:vault.recent': {
    input: empty,
    output: z.object({ vaults: z.array(location.extend({ lastUser: z.string().nullable() })) }),
  },
  'custodian:vault.create': {
    input: z.object({ location: token, name: z.string().min(1).max(64), user: z.string().min(1).max(64), passphrase }).strict(),
    /**
     * The recovery key is the one secret the renderer ever holds: shown once, then dropped. The
     * genesis fingerprint (public) goes on the same sheet: the anchor of the audit log.
     */
    output: z.object({ vault: vaultInfo, recoveryKey: z.string(), genesisFingerprint: z.string() }),
  },
  'custodian:vault.unlock': {
    input: z.union([
      z.object({ location: token, user: z.string().min(1).max(64), passphrase }).strict(),
      z.object({ location: token, recoveryKey: z.string().min(1).max(200) }).strict(),
    ]),
    output: vaultInfo,
  },
  /** Creates (first time) and opens the demo vault: invented data, public passphrase. */
  'custodian:vault.openDemo': { input: empty, output: vaultInfo },
  'custodian:vault.lock': { input: empty, output: z.object({ locked: z.literal(true) }) },
  'custodian:vault.status': {
    input: empty,
    output: z.object({ unlocked: vaultInfo.nullable(), autoLockMinutes: z.number().int() }),
  },
  /**
   * Where a pending unlock's schema upgrade stands (the first unlock after an update can take
   * minutes on a large vault); null when none runs. Answered by core's host, not by the worker
   * that is busy upgrading. Says nothing about the vault's contents.
   */
  'custodian:vault.upgradeProgress': {
    input: empty,
    output: z.object({
      upgrade: z
        .object({
          phase: z.enum(['migrating', 'compacting']),
          fromVersion: z.number().int(),
          toVersion: z.number().int(),
          step: z.number().int(),
          steps: z.number().int(),
          name: z.string(),
          startedAt: z.number(),
        })
        .strict()
        .nullable(),
    }),
  },
  /** The user is active: postpones auto-lock. */
  'custodian:vault.touch': { input: empty, output: z.object({}) },
  /** Starts a full verification of the log and every evidence blob, as a job (see verifyStatus). */
  'custodian:vault.verifyLog': { input: empty, output: z.object({ jobId: z.string() }) },
  'custodian:vault.verifyStatus': {
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: z.object({
      state: z.enum(['running', 'done', 'failed', 'cancelled']),
      /** `log`: entries, checkpoints and key chain (not interruptible); `evidence`: blobs, `done` of `total`. */
      phase: z.enum(['log', 'evidence']),
      done: z.number().int(),
      total: z.number().int(),
      bytes: z.number().int(),
      totalBytes: z.number().int(),
      result: z
        .object({
          ok: z.boolean(),
          size: z.number().int(),
          checkpoints: z.number().int(),
          signers: z.array(z.string()),
          problem: z.object({ seq: z.number().int().nullable(), reason: z.string() }).nullable(),
          /** Evidence blobs decrypted and hashed against their records (a full verification reads them all). */
          evidenceChecked: z.number().int(),
          /** The key that began the log's key chain; null for a log made before the chain. */
          genesis: z.object({ user: z.string(), fingerprint: z.string() }).nullable(),
          /** Checked against the genesis fingerprint this computer keeps for the vault (else internal consistency only). */
          anchored: z.boolean(),
          /** The log does not match its head (log.head deleted, damaged or rolled back): an administrator may acknowledge it. */
          headMismatch: z.boolean(),
        })
        .nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
  'custodian:vault.verifyCancel': { input: z.object({ jobId: z.string().min(1).max(64) }).strict(), output: z.object({}) },
  /**
   * An administrator's acknowledgement, recorded in the log, that the log does not match its head
   * (log.head deleted or damaged, or the database rolled back): until then nothing is written.
   */
  'custodian:vault.acknowledgeLogProblem': {
    input: z.object({ reason: z.string().trim().min(10, 'say what was found and done, in at least 10 characters').max(1000) }).strict(),
    output: z.object({ problem: z.string() }),
  },
  /**
   * Keeps the genesis fingerprint (from the vault's recovery sheet) on this computer, outside the
   * vault: every later check of the log runs against it. Refused unless the log verifies from it.
   */
  'custodian:vault.keepFingerprint': {
    input: z.object({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint is SHA256: and 43 characters') }).strict(),
    output: z.object({ anchored: z.literal(true) }),
  },
  'custodian:records.people': {
    input: z
      .object({
        ...pageFields,
        status: z.enum(['all', 'active', 'left']).default('all'),
        /** Only people with this standing today (worst requirement first). */
        compliance: z.enum(PERSON_COMPLIANCE).optional(),
        sort: z.enum(['name', 'employeeId', 'orgUnit', 'jobRole', 'hireDate']).default('name'),
        dir: z.enum(['asc', 'desc']).default('asc'),
      })
      .strict(),
    output: z.object({
      total: z.number().int(),
      masked: z.boolean(),
      rows: z.array(
        z.object({
          personId: z.string(),
          /** Shown instead of the employee id to roles that may not see it. */
          pseudonym: z.string(),
          compliance: z.enum(PERSON_COMPLIANCE).nullable(),
          employeeId: z.string().nullable(),
          name: z.string(),
          email: z.string().nullable(),
          orgUnit: z.string().nullable(),
          jobRole: z.string().nullable(),
          site: z.string().nullable(),
          hireDate: z.string().nullable(),
          terminationDate: z.string().nullable(),
        }),
      ),
    }),
  },
  'custodian:records.completions': {
    input: z
      .object({
        ...pageFields,
        personId: z.string().max(64).optional(),
        sort: z.enum(['completedOn', 'course', 'person', 'score', 'expiresOn']).default('completedOn'),
        dir: z.enum(['asc', 'desc']).default('desc'),
      })
      .strict(),
    output: z.object({
      total: z.number().int(),
      masked: z.boolean(),
      rows: z.array(
        z.object({
          completionId: z.string(),
          personId: z.string(),
          person: z.string(),
          course: z.string(),
          courseCode: z.string(),
          completedOn: z.string(),
          score: z.union([z.number(), z.string()]).nullable(),
          passed: z.boolean().nullable(),
          expiresOn: z.string().nullable(),
          trainer: z.string().nullable(),
          deliveryMethod: z.string().nullable(),
          version: z.number().int(),
        }),
      ),
    }),
  },
  /** Each requirement that concerns one person today: status, due date, the satisfying training and its evidence. */
  'custodian:records.personRequirements': {
    input: z.object({ personId: z.string().min(1).max(64) }).strict(),
    output: z.object({
      summary: z.enum(PERSON_COMPLIANCE),
      requirements: z.array(
        z.object({
          requirementId: z.string(),
          frameworkId: z.string(),
          title: z.string(),
          clause: z.string().nullable(),
          status: z.enum(COMPLIANCE_STATUSES),
          reason: z.enum(NOT_APPLICABLE_REASONS).nullable(),
          dueOn: z.string().nullable(),
          completion: z.object({ completionId: z.string(), courseCode: z.string(), completedOn: z.string() }).nullable(),
          evidence: z.enum(['none', 'pending', 'accepted', 'rejected']).nullable(),
        }),
      ),
    }),
  },
  'custodian:records.person': {
    input: z.object({ personId: z.string().min(1).max(64) }).strict(),
    output: z.object({
      personId: z.string(),
      pseudonym: z.string(),
      managerName: z.string().nullable(),
      masked: z.boolean(),
      name: z.string(),
      employeeId: z.string().nullable(),
      email: z.string().nullable(),
      dateOfBirth: z.string().nullable(),
      orgUnit: z.string().nullable(),
      jobRole: z.string().nullable(),
      site: z.string().nullable(),
      managerEmployeeId: z.string().nullable(),
      hireDate: z.string().nullable(),
      terminationDate: z.string().nullable(),
      versions: z.array(recordVersion),
      evidence: z.array(z.object({ evidenceId: z.string(), fileName: z.string(), addedAt: z.string() })),
      /** Current certifications (licences, cards), each with every version, newest first. */
      certifications: z.array(
        z.object({
          certificationId: z.string(),
          name: z.string(),
          number: z.string().nullable(),
          issuedOn: z.string().nullable(),
          expiresOn: z.string().nullable(),
          issuer: z.string().nullable(),
          version: z.number().int(),
          versions: z.array(recordVersion),
        }),
      ),
    }),
  },
  'custodian:evidence.chooseFile': { input: empty, output: z.object({ file: location.nullable() }) },
  'custodian:evidence.add': {
    input: z
      .object({
        file: token,
        personId: z.string().min(1).max(64).optional(),
        links: z
          .array(z.object({ kind: z.enum(['person', 'completion', 'certification', 'requirement']), id: z.string().min(1).max(100) }).strict())
          .max(100)
          .optional(),
        /** The day the document speaks for; default: the linked training's date. */
        documentDate: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
        replaces: z.string().min(1).max(64).optional(),
      })
      .strict(),
    output: z.object({ jobId: z.string() }),
  },
  'custodian:evidence.addStatus': {
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: z.object({
      state: z.enum(['running', 'done', 'failed', 'cancelled']),
      bytes: z.number().int(),
      total: z.number().int(),
      result: z.object({ id: z.string(), fileName: z.string(), mediaType: z.string(), size: z.number().int() }).nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
  'custodian:evidence.addCancel': { input: z.object({ jobId: z.string().min(1).max(64) }).strict(), output: z.object({}) },
  /** Where to save a list as CSV (the main process's save dialog); the path stays in core. */
  'custodian:export.chooseFile': {
    input: z.object({ suggestedName: z.string().regex(/^[\w .-]{1,80}\.csv$/) }).strict(),
    output: z.object({ file: location.nullable() }),
  },
  /** Writes the list as the screen shows it (masked by role) to the chosen file; logged. */
  'custodian:export.csv': {
    input: z
      .object({
        file: token,
        list: z.discriminatedUnion('list', [
          z
            .object({
              list: z.literal('people'),
              search: z.string().max(200).optional(),
              status: z.enum(['all', 'active', 'left']),
              compliance: z.enum(PERSON_COMPLIANCE).optional(),
              sort: z.enum(['name', 'employeeId', 'orgUnit', 'jobRole', 'hireDate']),
              dir: z.enum(['asc', 'desc']),
            })
            .strict(),
          z
            .object({
              list: z.literal('completions'),
              search: z.string().max(200).optional(),
              sort: z.enum(['completedOn', 'course', 'person', 'score', 'expiresOn']),
              dir: z.enum(['asc', 'desc']),
            })
            .strict(),
          z
            .object({
              list: z.literal('evidence'),
              search: z.string().max(200).optional(),
              state: z.enum(['pending', 'accepted', 'rejected', 'superseded']).optional(),
              personId: z.string().min(1).max(64).optional(),
              completionId: z.string().min(1).max(64).optional(),
              unit: z.string().max(200).optional(),
              requirementId: z.string().max(100).optional(),
              from: z
                .string()
                .regex(/^\d{4}-\d{2}-\d{2}$/)
                .optional(),
              to: z
                .string()
                .regex(/^\d{4}-\d{2}-\d{2}$/)
                .optional(),
              sort: z.enum(['documentDate', 'addedAt', 'fileName', 'size']),
              dir: z.enum(['asc', 'desc']),
            })
            .strict(),
          z
            .object({
              list: z.literal('gap'),
              asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
              requirementId: z.string().min(1).max(80),
              kind: z.enum(['overdue', 'expired', 'never_trained', 'failed', 'missing_evidence', 'evidence_rejected', 'evidence_unreviewed', 'not_current']),
              unit: z.string().min(1).max(200).optional(),
            })
            .strict(),
          z
            .object({
              list: z.literal('gaps'),
              asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
              frameworkId: z.string().min(1).max(80).optional(),
            })
            .strict(),
          z
            .object({
              list: z.literal('expiries'),
              asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
              kind: z.enum(['training', 'certification']),
              frameworkId: z.string().min(1).max(80).optional(),
            })
            .strict(),
        ]),
      })
      .strict(),
    output: z.object({ rows: z.number().int(), fileName: z.string() }),
  },
  'custodian:import.chooseFile': { input: empty, output: z.object({ file: location.nullable() }) },
  'custodian:import.preview': {
    input: z.object({ file: token, as: importKind.optional(), map: importMap.optional() }).strict(),
    output: z.object({
      format: z.enum(['csv', 'xlsx']),
      encoding: z.string().nullable(),
      delimiter: z.string().nullable(),
      sheet: z.string().nullable(),
      headers: z.array(z.string()),
      sample: z.array(z.array(z.string().nullable())),
      kind: importKind.nullable(),
      mapping: z.array(z.string().nullable()),
      fields: z.array(z.string()),
      warnings: z.array(z.string()),
    }),
  },
  'custodian:import.start': {
    input: z
      .object({
        file: token,
        as: importKind,
        map: importMap.optional(),
        dateFormat: z.enum(['dd/mm/yyyy', 'mm/dd/yyyy']).optional(),
        skipInvalid: z.boolean(),
        dryRun: z.boolean(),
      })
      .strict(),
    output: z.object({ jobId: z.string() }),
  },
  'custodian:import.status': {
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: z.object({
      /** A cancelled import is rolled back and ends `done` with `result.cancelled`; `cancelled` is kept for the job model. */
      state: z.enum(['running', 'done', 'failed', 'cancelled']),
      rows: z.number().int(),
      result: importResult.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
  'custodian:import.cancel': { input: z.object({ jobId: z.string().min(1).max(64) }).strict(), output: z.object({}) },
  ...complianceChannels,
  ...evidenceChannels,
  ...redactionChannels,
  ...packetChannels,
  'custodian:settings.setAutoLock': {
    input: z.object({ minutes: z.number().int().min(1).max(240) }).strict(),
    output: z.object({ autoLockMinutes: z.number().int() }),
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(value: string): value is Channel {
  return Object.hasOwn(contract, value);
}

/** `custodian:app.info` -> `['app', 'info']`. */
export function splitChannel(channel: Channel): [feature: string, action: string] {
  const match = /^custodian:([a-z][a-zA-Z]*)\.([a-z][a-zA-Z]*)$/.exec(channel);
  if (!match?.[1] || !match[2]) throw new Error(`malformed channel name: ${channel}`);
  return [match[1], match[2]];
}
