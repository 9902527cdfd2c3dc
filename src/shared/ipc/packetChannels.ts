import { z } from 'zod';
import { COMPLIANCE_STATUSES } from '../compliance/complianceStatus';
import { packetScopeSchema } from '../packet/packetScope';

// Audit packets: the builder (a vault open: options, a preview of the sample, exceptions and
// requests, then a build job with progress and cancel) and auditor mode (no vault: a received
// packet verified file by file, then browsed read-only).

const token = z.string().min(8).max(64);
const location = z.object({ token: z.string(), displayName: z.string() });
const jobId = z.object({ jobId: z.string().min(1).max(64) }).strict();
const jobState = z.enum(['running', 'done', 'failed', 'cancelled']);
const jobError = z.object({ code: z.string(), message: z.string() }).nullable();
const phase = z.enum(['reading', 'report', 'workbook', 'evidence', 'signing', 'recording']);
const recipient = z.string().regex(/^age1[0-9a-z]{58}$/, 'an age recipient (age1…, 62 characters)');
const packetPath = z.string().min(1).max(1024);

const exceptionRow = z.object({
  requirementId: z.string(),
  person: z.string(),
  unit: z.string().nullable(),
  role: z.string().nullable(),
  status: z.enum(COMPLIANCE_STATUSES),
  dueOn: z.string().nullable(),
});

const check = z.object({ name: z.string(), ok: z.boolean(), reason: z.string() });
const verdict = z.object({
  ok: z.boolean(),
  packetId: z.string().nullable(),
  signer: z.object({ identity: z.string().nullable(), fingerprint: z.string().nullable(), trust: z.enum(['allowed-signers', 'self-asserted']) }),
  files: z.number().int(),
  bytes: z.number(),
  checks: z.array(check),
  problems: z.array(z.object({ path: z.string(), kind: z.enum(['missing', 'extra', 'altered']), checks: z.array(z.string()) })),
});

export const packetChannels = {
  /** What the builder offers: enabled frameworks, units, roles and sites, the imported request list, the signer. */
  'custodian:packet.options': {
    input: z.object({}).strict(),
    output: z.object({
      frameworks: z.array(z.object({ id: z.string(), title: z.string() })),
      units: z.array(z.string()),
      roles: z.array(z.string()),
      sites: z.array(z.string()),
      requestList: z.object({ fileName: z.string(), requests: z.number().int() }).nullable(),
      signer: z.object({ userName: z.string(), printedName: z.string(), fingerprint: z.string() }),
    }),
  },
  /** The sample, every exception and every unanswered request, before anything is built. */
  'custodian:packet.preview': {
    input: z.object({ scope: packetScopeSchema }).strict(),
    output: z.object({
      requirements: z.array(
        z.object({
          requirementId: z.string(),
          clause: z.string().nullable(),
          title: z.string(),
          population: z.number().int(),
          asked: z.number().int(),
          picked: z.array(z.string()),
          exceptions: z.number().int(),
        }),
      ),
      /** Every exception, up to the first 50,000; `exceptionCount` says how many there are. */
      exceptions: z.array(exceptionRow),
      exceptionCount: z.number().int(),
      evidence: z.number().int(),
      evidenceBytes: z.number(),
      /** Files with no redacted version: withheld (auditor, regulator) or going in as they are. */
      unredacted: z.array(z.object({ evidenceId: z.string(), fileName: z.string(), withheld: z.boolean() })),
      requests: z.array(z.object({ requestId: z.string(), answered: z.boolean(), matched: z.array(z.string()), unmatched: z.array(z.string()) })).nullable(),
      checkpointSize: z.number().int(),
    }),
  },
  /** Where to save the packet (the save dialog); the path stays in core. */
  'custodian:packet.chooseFile': {
    input: z.object({ suggestedName: z.string().regex(/^[\w .-]{1,80}\.zip(\.age)?$/) }).strict(),
    output: z.object({ file: location.nullable() }),
  },
  /** Builds and signs the packet: the signer re-enters user name and passphrase (21 CFR 11.200). */
  'custodian:packet.build': {
    input: z
      .object({
        scope: packetScopeSchema,
        file: token,
        recipients: z.array(recipient).max(20),
        userName: z.string().min(1).max(64),
        passphrase: z.string().min(1).max(1024),
      })
      .strict(),
    output: z.object({ jobId: z.string() }),
  },
  'custodian:packet.status': {
    input: jobId,
    output: z.object({
      state: jobState,
      phase,
      done: z.number(),
      total: z.number(),
      result: z
        .object({
          packetId: z.string(),
          fileName: z.string(),
          bytes: z.number(),
          files: z.number().int(),
          tagmanifestSha256: z.string(),
          fingerprint: z.string(),
          signer: z.string(),
          encrypted: z.boolean(),
          evidence: z.number().int(),
          exceptions: z.number().int(),
          unansweredRequests: z.number().int(),
        })
        .nullable(),
      error: jobError,
    }),
  },
  'custodian:packet.cancel': { input: jobId, output: z.object({}) },
  /** Shows the built packet in the system's file manager. */
  'custodian:packet.showInFolder': { input: z.object({ file: token }).strict(), output: z.object({}) },

  /** Auditor mode: choose a received packet (no vault needed). */
  'custodian:auditor.choosePacket': { input: z.object({}).strict(), output: z.object({ file: location.nullable() }) },
  /** Opens and verifies it (a job: every file is hashed). */
  'custodian:auditor.open': { input: z.object({ file: token }).strict(), output: z.object({ jobId: z.string() }) },
  'custodian:auditor.status': {
    input: jobId,
    output: z.object({
      state: jobState,
      done: z.number(),
      total: z.number(),
      result: z
        .object({
          verdict,
          fileName: z.string(),
          files: z.array(z.object({ path: z.string(), size: z.number() })),
        })
        .nullable(),
      error: jobError,
    }),
  },
  'custodian:auditor.cancel': { input: jobId, output: z.object({}) },
  /** Bytes of one file of the open packet (base64), for the viewers. */
  'custodian:auditor.read': {
    input: z
      .object({
        path: packetPath,
        offset: z.number().int().min(0),
        length: z
          .number()
          .int()
          .min(1)
          .max(4 * 1024 * 1024),
      })
      .strict(),
    output: z.object({ data: z.string(), size: z.number() }),
  },
  /** One sheet of the packet's workbook, a page of rows as text. */
  'custodian:auditor.sheet': {
    input: z.object({ sheet: z.string().min(1).max(31), offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
    output: z.object({ sheets: z.array(z.string()), columns: z.array(z.string()), rows: z.array(z.array(z.string())), total: z.number().int() }),
  },
  'custodian:auditor.close': { input: z.object({}).strict(), output: z.object({}) },
} as const;
