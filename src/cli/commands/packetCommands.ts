import type { Command } from 'commander';
import { custodianError } from '../errors';
import { say, sayJson } from '../output';
import { unlockOptions, withVault } from '../unlock';
import { addPacketVerifyCommand } from './packetVerifyCommand';
import type { UnlockFlags } from '../unlock';

interface BuildFlags extends UnlockFlags {
  framework: string;
  from: string;
  to: string;
  units?: string;
  roles?: string;
  sites?: string;
  sample: string;
  seed?: string;
  requests?: string;
  audience: string;
  recipient: string[];
  organisation?: string;
  includeUnredacted?: boolean;
  out: string;
  force?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** SOURCE_DATE_EPOCH (reproducible-builds.org): whole seconds since 1970, or unset. */
async function sourceDateEpoch(): Promise<Date | undefined> {
  const value = process.env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,12}$/.test(value)) throw await custodianError('validation_failed', `SOURCE_DATE_EPOCH=${value}: expected whole seconds since 1970.`);
  return new Date(Number(value) * 1000);
}

export function registerPacketCommands(program: Command): void {
  const packet = program.command('packet').description('signed audit packets: build one from a vault, verify one received');
  addPacketVerifyCommand(packet);

  unlockOptions(
    packet
      .command('build')
      .description('build a signed, BagIt audit packet (zip) for a scope and period; the build is logged')
      .argument('<vault>', 'vault folder'),
  )
    .requiredOption('--framework <ids>', 'framework id(s), comma-separated (custodian compliance frameworks lists them)')
    .requiredOption('--from <date>', 'start of the period (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'end of the period (YYYY-MM-DD); statuses are as of this day')
    .option('--units <names>', 'only people in these units (comma-separated)')
    .option('--roles <names>', 'only people in these job roles (comma-separated)')
    .option('--sites <names>', 'only people at these sites (comma-separated)')
    .option('--sample <rule>', 'auto (attribute sampling, 95% confidence, 10% tolerable rate), all, a size N, or attr:CONF,RATE', 'auto')
    .option('--seed <seed>', 'the sampling seed (default: derived from the log checkpoint and the scope; recorded in sample.json)')
    .option('--requests <file>', "the auditor's request list (CSV or XLSX): imported into the vault, then answered request by request")
    .option('--audience <audience>', 'whose masking policy applies: auditor, regulator, internal or subject', 'auditor')
    .option('--organisation <name>', 'the organisation named on the cover and in bag-info.txt', 'Unnamed organisation')
    .option(
      '--include-unredacted',
      'auditor and regulator packets: include evidence that has no redacted version as it is (default: withheld, and listed as withheld)',
    )
    .option('--recipient <age1...>', "encrypt the zip to this age recipient (the auditor's public key); repeatable", collect, [])
    .requiredOption('--out <file.zip>', 'the packet to write')
    .option('--force', 'replace <file.zip> if it exists')
    .option('--json', 'machine-readable output')
    .action(async (vault: string, flags: BuildFlags) => {
      const { packetScopeSchema } = await import('../../shared/packet/packetScope');
      const { parseSampleRule } = await import('../../core/packet/sampling');
      const parsed = packetScopeSchema.safeParse({
        frameworks: list(flags.framework),
        from: flags.from,
        to: flags.to,
        units: list(flags.units),
        roles: list(flags.roles),
        sites: list(flags.sites),
        audience: flags.audience,
        sample: parseSampleRule(flags.sample),
        seed: flags.seed ?? null,
        organisation: flags.organisation,
        useRequests: flags.requests !== undefined,
        includeUnredacted: flags.includeUnredacted ?? false,
      });
      if (!parsed.success) {
        throw await custodianError('validation_failed', parsed.error.issues.map((i) => `--${String(i.path[0] ?? 'scope')}: ${i.message}`).join('; '));
      }
      const builtAt = await sourceDateEpoch();
      // Everything that can be refused is refused before the vault is written to (a request list
      // is imported, and logged, only once the build can go ahead).
      const { stat, readFile } = await import('node:fs/promises');
      const target = await stat(flags.out).catch(() => null);
      if (target?.isDirectory()) throw await custodianError('validation_failed', `--out ${flags.out} is a folder: name the .zip to write.`);
      if (target && !flags.force) throw await custodianError('conflict', `${flags.out} exists; choose another name or pass --force.`);
      const requestFile = flags.requests;
      if (requestFile !== undefined) {
        const { parseRequestList } = await import('../../core/packet/requestList');
        const path = await import('node:path');
        const bytes = await readFile(requestFile).catch(() => null);
        if (!bytes) throw await custodianError('not_found', `--requests ${requestFile}: no such file.`);
        await parseRequestList(bytes, path.basename(requestFile));
      }
      // Ctrl-C stops the build and removes what was written (the packet may hold plaintext evidence).
      const abort = new AbortController();
      const stop = () => {
        abort.abort(new Error('interrupted'));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const result = await withVault(vault, flags, async (session) => {
        const { buildPacket } = await import('../../core/packet/buildPacket');
        const { importRequestList } = await import('../../core/packet/requestList');
        const { sessionSigner } = await import('../../core/compliance/reviewEvidence');
        const { listFrameworks } = await import('../../core/compliance/requirementStore');
        session.require('packet.export', 'build audit packets');
        const enabled = new Set((await session.read((db) => listFrameworks(db))).filter((f) => f.enabled).map((f) => f.id));
        const unknown = parsed.data.frameworks.filter((f) => !enabled.has(f));
        if (unknown.length > 0) {
          throw await custodianError(
            'validation_failed',
            `--framework: ${unknown.join(', ')} not enabled in this vault (enabled: ${[...enabled].join(', ') || 'none'}).`,
          );
        }
        if (requestFile !== undefined) await importRequestList(session, requestFile);
        const signer = await sessionSigner(session);
        const progress = process.stderr.isTTY && !flags.json;
        try {
          return await buildPacket(session, parsed.data, signer, {
            out: flags.out,
            recipients: flags.recipient,
            force: flags.force ?? false,
            signal: abort.signal,
            ...(builtAt ? { builtAt } : {}),
            onProgress: progress
              ? (p) =>
                  process.stderr.write(`\r${p.phase}${p.phase === 'evidence' ? ` ${String(Math.round((100 * p.done) / Math.max(1, p.total)))}%` : ''}        `)
              : undefined,
          });
        } catch (error) {
          if (abort.signal.aborted) throw await custodianError('validation_failed', 'Interrupted: no packet was written and nothing was logged.');
          throw error;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          if (progress) process.stderr.write('\n');
        }
      });
      if (flags.json) {
        sayJson(result);
        return;
      }
      say(
        `${result.file}: packet ${result.packetId}, ${String(result.files)} files, ${String(result.bytes)} bytes${result.encrypted ? ', age-encrypted' : ''}`,
      );
      say(`signed by ${result.signer}, key ${result.fingerprint} (give the auditor this fingerprint by another channel)`);
      say(`tagmanifest SHA-256 ${result.tagmanifestSha256}; audit log checkpoint ${String(result.checkpointSize)}`);
      say(
        `${String(result.evidence)} evidence file(s), ${String(result.exceptions)} exception(s)${result.unansweredRequests ? `, ${String(result.unansweredRequests)} UNANSWERED request(s)` : ''}`,
      );
    });

  const requests = program.command('requests').description("an auditor's request list (PBC list)");
  unlockOptions(
    requests
      .command('import')
      .description('import a request list (CSV or XLSX: Request ID, Request Code, Control Code, Details, Assigned To, Due On)')
      .argument('<vault>', 'vault folder')
      .argument('<file>', 'the request list'),
  )
    .option('--json', 'machine-readable output')
    .action(async (vault: string, file: string, flags: UnlockFlags & { json?: boolean }) => {
      const result = await withVault(vault, flags, async (session) => {
        const { importRequestList, matchRequest } = await import('../../core/packet/requestList');
        const { currentRequirements } = await import('../../core/compliance/requirementStore');
        const imported = await importRequestList(session, file);
        const clauses = await session.read((db) => currentRequirements(db).map((r) => ({ requirementId: r.requirementId, clause: r.clause })));
        return { listId: imported.listId, requests: imported.requests.map((r) => ({ requestId: r.requestId, ...matchRequest(r, clauses) })) };
      });
      if (flags.json) {
        sayJson(result);
        return;
      }
      say(`${String(result.requests.length)} request(s) imported`);
      for (const r of result.requests) {
        say(
          `${r.requestId}: ${r.matched.length ? `matches ${r.matched.join(', ')}` : 'matches no requirement'}${r.unmatched.length ? `; unmatched codes: ${r.unmatched.join(', ')}` : ''}`,
        );
      }
    });
}
