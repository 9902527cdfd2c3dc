import { Alert, Progress, Stack, Text } from '@mantine/core';
import { lazy, Suspense, useEffect, useState } from 'react';
import { ImageView } from './ImageView';
import { loadEvidenceBytes } from './loadEvidenceBytes';
import type { EvidenceBytes } from './loadEvidenceBytes';

// pdf.js (about 1 MB) loads with the first PDF opened, not with the app.
const PdfView = lazy(() => import('./PdfView').then((module) => ({ default: module.PdfView })));
import { TextView } from './TextView';

const IMAGES = new Set(['image/png', 'image/jpeg', 'image/tiff']);

/**
 * The original file, decrypted in core and shown here: PDF, PNG/JPEG/TIFF, text and CSV. Other
 * types are described, not shown. Opening is logged in the vault's audit log. Give it
 * `key={evidenceId}`: another file is another viewer.
 */
export function EvidenceViewer({ evidenceId, onFirstPaint }: { evidenceId: string; onFirstPaint?: () => void }) {
  const [file, setFile] = useState<EvidenceBytes | null>(null);
  const [progress, setProgress] = useState<{ read: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    loadEvidenceBytes(evidenceId, abort.signal, (read, total) => setProgress({ read, total })).then(
      (loaded) => {
        if (!abort.signal.aborted) setFile(loaded);
      },
      (reason: unknown) => {
        if (!abort.signal.aborted) setError(reason instanceof Error ? reason.message : 'The file could not be opened.');
      },
    );
    return () => abort.abort();
  }, [evidenceId]);

  if (error) {
    return (
      <Alert color="red" role="alert" title="Cannot open this file">
        {error}
      </Alert>
    );
  }
  if (!file) {
    const share = progress && progress.total > 0 ? (100 * progress.read) / progress.total : 0;
    return (
      <Stack gap={4}>
        <Text size="sm">Decrypting…</Text>
        <Progress value={share} aria-label="Decrypting the file" />
      </Stack>
    );
  }
  if (file.mediaType === 'application/pdf') {
    return (
      <Suspense fallback={<Text size="sm">Opening the PDF viewer…</Text>}>
        <PdfView bytes={file.bytes} {...(onFirstPaint ? { onFirstPaint } : {})} />
      </Suspense>
    );
  }
  if (IMAGES.has(file.mediaType))
    return <ImageView bytes={file.bytes} mediaType={file.mediaType} fileName={file.fileName} {...(onFirstPaint ? { onFirstPaint } : {})} />;
  if (file.mediaType.startsWith('text/')) return <TextView bytes={file.bytes} csv={file.mediaType === 'text/csv'} />;
  return (
    <Text size="sm" c="gray.7">
      Custodian does not display {file.mediaType} files. An officer can save a copy with <code>custodian evidence get</code> (logged).
    </Text>
  );
}
