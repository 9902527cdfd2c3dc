import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import { CustodianError } from '../../shared/errors';
import { openPacketArchive } from '../packet/readPacketArchive';
import type { ArchiveEntry, PacketArchive } from '../packet/readPacketArchive';
import { verifyPacket } from '../packet/verifyPacket';
import type { PacketVerdict } from '../packet/verifyPacket';
import { PAYLOAD } from '../packet/packetFormat';

type JobState = 'running' | 'done' | 'failed' | 'cancelled';
interface OpenResult {
  verdict: PacketVerdict;
  fileName: string;
  files: { path: string; size: number }[];
}
interface Status {
  state: JobState;
  done: number;
  total: number;
  result: OpenResult | null;
  error: { code: string; message: string } | null;
}

/** Largest file auditor mode reads into memory to show (the viewers read it in pieces). */
const MAX_SHOWN = 512 * 1024 * 1024;

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
  if (typeof value === 'object') {
    const v = value as { text?: unknown; richText?: { text: string }[]; result?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (typeof v.text === 'string') return v.text;
    return v.result === undefined ? '' : cell(v.result);
  }
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
};

/**
 * Auditor mode: a received packet, opened read-only with no vault. Opening verifies it first
 * (verifyPacket: every file hashed, the signature, the checkpoint and its proofs), as a job with
 * progress and cancel; then its files can be read for the viewers and its workbook's sheets
 * paged. One packet open at a time; opening another closes the first. Nothing is written.
 */
export class AuditorPackets {
  private job: { id: string; abort: AbortController; status: Status } | null = null;
  private archive: PacketArchive | null = null;
  private cache: { path: string; bytes: Buffer } | null = null;
  private sheets: Map<string, { columns: string[]; rows: string[][] }> | null = null;

  open(path: string): string {
    if (this.job?.status.state === 'running') throw new CustodianError('conflict', 'A packet is still being checked; wait for it or cancel.');
    this.close();
    const id = randomBytes(12).toString('base64url');
    const abort = new AbortController();
    const job = { id, abort, status: { state: 'running', done: 0, total: 0, result: null, error: null } as Status };
    this.job = job;
    void (async () => {
      try {
        const verdict = await verifyPacket(path, {
          signal: abort.signal,
          onProgress: (done, total) => {
            job.status = { ...job.status, done, total };
          },
        });
        let files: OpenResult['files'] = [];
        if (verdict.checks.find((c) => c.name === 'archive')?.ok) {
          const archive = await openPacketArchive(path);
          if (abort.signal.aborted || this.job !== job) {
            archive.close();
          } else {
            this.archive = archive;
            files = archive.entries.map((e) => ({ path: e.path, size: e.size })).sort((a, b) => a.path.localeCompare(b.path));
          }
        }
        job.status = { ...job.status, state: 'done', result: { verdict, fileName: basename(path), files } };
      } catch (error) {
        job.status = abort.signal.aborted
          ? { ...job.status, state: 'cancelled' }
          : {
              ...job.status,
              state: 'failed',
              error:
                error instanceof CustodianError ? { code: error.code, message: error.message } : { code: 'internal', message: 'The packet could not be read.' },
            };
      }
    })();
    return id;
  }

  status(id: string): Status {
    if (this.job?.id !== id) throw new CustodianError('not_found', 'No such packet check.');
    return this.job.status;
  }

  cancel(id: string): void {
    if (this.job?.id === id) this.job.abort.abort();
  }

  private entry(path: string): ArchiveEntry {
    const entry = this.archive?.entries.find((e) => e.path === path);
    if (!entry) throw new CustodianError('not_found', this.archive ? `The packet has no file ${path}.` : 'No packet is open.');
    return entry;
  }

  private async bytesOf(path: string): Promise<Buffer> {
    if (this.cache?.path === path) return this.cache.bytes;
    const entry = this.entry(path);
    const archive = this.archive;
    if (!archive) throw new CustodianError('not_found', 'No packet is open.');
    const bytes = await archive.readEntry(entry, MAX_SHOWN);
    this.cache = { path, bytes };
    return bytes;
  }

  async read(path: string, offset: number, length: number): Promise<{ data: string; size: number }> {
    const bytes = await this.bytesOf(path);
    return { data: bytes.subarray(offset, offset + length).toString('base64'), size: bytes.length };
  }

  async sheet(name: string, offset: number, limit: number): Promise<{ sheets: string[]; columns: string[]; rows: string[][]; total: number }> {
    if (!this.sheets) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await this.bytesOf(PAYLOAD.workbook)) as unknown as ArrayBuffer);
      const sheets = new Map<string, { columns: string[]; rows: string[][] }>();
      for (const ws of workbook.worksheets) {
        const rows: string[][] = [];
        ws.eachRow({ includeEmpty: false }, (row) => rows.push(Array.from((row.values as unknown[]).slice(1), cell)));
        sheets.set(ws.name, { columns: rows[0] ?? [], rows: rows.slice(1) });
      }
      this.sheets = sheets;
    }
    const sheet = this.sheets.get(name);
    if (!sheet) throw new CustodianError('not_found', `The workbook has no sheet ${name}.`);
    return { sheets: [...this.sheets.keys()], columns: sheet.columns, rows: sheet.rows.slice(offset, offset + limit), total: sheet.rows.length };
  }

  close(): void {
    this.archive?.close();
    this.archive = null;
    this.cache = null;
    this.sheets = null;
  }
}
