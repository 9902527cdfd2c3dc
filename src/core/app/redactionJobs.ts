import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import { getEvidenceMeta } from '../evidence/evidenceStore';
import { knownPeople } from '../redaction/knownPeople';
import { startOcr } from '../redaction/ocrEngine';
import type { OcrEngine } from '../redaction/ocrEngine';
import { decryptOriginal, redactableMeta, redactEvidence } from '../redaction/redactEvidence';
import { suggestDocument } from '../redaction/suggestDocument';
import type { SuggestedPage } from '../redaction/suggestDocument';
import type { VaultSession } from '../vault/vaultSession';
import { SessionJobs } from './sessionJobs';

type Pages = { pages: number; total: number };
export interface SuggestResult {
  kind: 'pdf' | 'image';
  pages: SuggestedPage[];
}
export interface RedactResultSummary {
  evidenceId: string;
  fileName: string;
  pages: number;
  boxes: number;
  notes: string[];
}

export interface SuggestRequest {
  evidenceId: string;
  pii: boolean;
  people: boolean;
  ocr: boolean;
  terms: string[];
}
export interface RedactRequest {
  evidenceId: string;
  boxes: RedactionBox[];
  dpi: number;
  keepText: boolean;
  reasons: string[];
}

/**
 * The viewer's redaction work, as jobs with progress (pages) and cancel: `suggest` reads the
 * original's text layer (and OCRs pages without one) for suggestions; `redact` burns the boxes
 * the officer kept into a new, checked, redacted version. One of each at a time per app.
 */
export class RedactionJobs {
  private readonly suggestions = new SessionJobs<Pages, SuggestResult>({
    busy: 'Suggestions are still being looked for; wait for them or cancel.',
    unknown: 'No such suggestion search.',
    failed: 'Suggestions could not be made for this file. Draw the boxes by hand.',
  });
  private readonly redactions = new SessionJobs<Pages, RedactResultSummary>({
    busy: 'A redaction is still running; wait for it or cancel it.',
    unknown: 'No such redaction.',
    failed: 'The redaction failed. Nothing was kept; the original is unchanged.',
  });

  async suggest(session: VaultSession, request: SuggestRequest): Promise<string> {
    session.require('evidence.redact', 'redact evidence');
    const meta = await redactableMeta(session, request.evidenceId);
    return this.suggestions.start(session, { pages: 0, total: 0 }, async ({ signal, report }) => {
      const people = request.people ? await knownPeople(session) : undefined;
      const bytes = await decryptOriginal(session, meta, 'redaction suggestions');
      let ocr: OcrEngine | null = null;
      try {
        if (request.ocr) ocr = await startOcr();
        return await suggestDocument(bytes, {
          pii: request.pii,
          people,
          terms: request.terms,
          ocr,
          signal,
          onProgress: (pages, total) => report({ pages, total }),
        });
      } finally {
        bytes.fill(0);
        await ocr?.stop();
      }
    });
  }

  suggestStatus(id: string, session: VaultSession) {
    return this.suggestions.status(id, session);
  }

  suggestCancel(id: string, session: VaultSession): void {
    this.suggestions.cancel(id, session);
  }

  async redact(session: VaultSession, request: RedactRequest): Promise<string> {
    session.require('evidence.redact', 'redact evidence');
    await getEvidenceMeta(session, request.evidenceId);
    return this.redactions.start(session, { pages: 0, total: 0 }, async ({ signal, report }) => {
      const { evidence, report: made } = await redactEvidence(session, {
        evidenceId: request.evidenceId,
        boxes: request.boxes,
        dpi: request.dpi,
        keepText: request.keepText,
        reasons: request.reasons,
        signal,
        onProgress: (pages, total) => report({ pages, total }),
      });
      return {
        evidenceId: evidence.id,
        fileName: evidence.fileName,
        pages: made.pages.length,
        boxes: made.pages.reduce((sum, p) => sum + p.boxes.length, 0),
        notes: [...made.pages.flatMap((p) => p.notes), ...made.notes],
      };
    });
  }

  status(id: string, session: VaultSession) {
    return this.redactions.status(id, session);
  }

  cancel(id: string, session: VaultSession): void {
    this.redactions.cancel(id, session);
  }

  abandon(session: VaultSession): void {
    this.suggestions.abandon(session);
    this.redactions.abandon(session);
  }
}
