import { Alert, Loader, Text } from '@mantine/core';
import { lazy, Suspense, useEffect, useState } from 'react';
import { ImageView } from '../evidence/ImageView';
import { TextView } from '../evidence/TextView';
import { loadPacketFile, mediaTypeOfPath } from './loadPacketFile';

const PdfView = lazy(() => import('../evidence/PdfView').then((module) => ({ default: module.PdfView })));

/** One file of the open packet in the app's viewers: PDF, images, text and CSV. Give it `key={path}`. */
export function PacketFileView({ path }: { path: string }) {
  const [bytes, setBytes] = useState<Uint8Array | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    loadPacketFile(path, abort.signal).then(
      (loaded) => {
        if (!abort.signal.aborted) setBytes(loaded);
      },
      (reason: unknown) => {
        if (!abort.signal.aborted) setError(reason instanceof Error ? reason.message : 'The file could not be read.');
      },
    );
    return () => abort.abort();
  }, [path]);
  if (error) {
    return (
      <Alert color="red" role="alert" title="Cannot show this file">
        {error}
      </Alert>
    );
  }
  if (!bytes) return <Loader size="sm" aria-label={`Loading ${path}`} />;
  const type = mediaTypeOfPath(path);
  if (type === 'application/pdf') {
    return (
      <Suspense fallback={<Loader size="sm" aria-label="Loading the PDF viewer" />}>
        <PdfView bytes={bytes} />
      </Suspense>
    );
  }
  if (type.startsWith('image/')) return <ImageView bytes={bytes} mediaType={type} fileName={path.split('/').pop() ?? path} />;
  if (type.startsWith('text/') || type === 'application/json') return <TextView bytes={bytes} csv={type === 'text/csv'} />;
  return <Text size="sm">This file type is not shown here ({String(bytes.length)} bytes); it is listed in the manifests and verified like every other.</Text>;
}
