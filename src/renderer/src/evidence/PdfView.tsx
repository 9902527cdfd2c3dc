import { ActionIcon, Box, Group, Loader, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';

// pdf.js with everything active switched off: no eval (isEvalSupported), no XFA forms, no
// scripting (only the core API is used: the viewer's scripting sandbox is never loaded), no
// fetches (no cMap, font or wasm URLs: the bytes are the only input). The worker is a file of
// this app ('self' in the CSP).
GlobalWorkerOptions.workerSrc = workerUrl;

const THUMB_WIDTH = 96;
export const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3] as const;

async function renderPage(doc: PDFDocumentProxy, number: number, canvas: HTMLCanvasElement, scale: number): Promise<RenderTask | null> {
  const page = await doc.getPage(number);
  const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${String(Math.floor(viewport.width / (window.devicePixelRatio || 1)))}px`;
  const context = canvas.getContext('2d');
  if (!context) return null;
  return page.render({ canvas, canvasContext: context, viewport });
}

function Thumbnail({ doc, number, active, draw, onPick }: { doc: PDFDocumentProxy; number: number; active: boolean; draw: boolean; onPick: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!draw) return;
    let task: RenderTask | null = null;
    const run = { stopped: false };
    void (async () => {
      const page = await doc.getPage(number);
      if (run.stopped || !ref.current) return;
      const scale = THUMB_WIDTH / page.getViewport({ scale: 1 }).width;
      task = await renderPage(doc, number, ref.current, scale);
      await task?.promise.catch(() => undefined);
    })();
    return () => {
      run.stopped = true;
      task?.cancel();
    };
  }, [doc, number, draw]);
  return (
    <UnstyledButton
      onClick={onPick}
      aria-label={`Page ${String(number)}`}
      aria-current={active ? 'page' : undefined}
      style={{ border: `2px solid ${active ? 'var(--mantine-color-indigo-6)' : 'var(--mantine-color-gray-3)'}`, lineHeight: 0 }}
    >
      <canvas ref={ref} />
    </UnstyledButton>
  );
}

/**
 * A PDF: the current page, page thumbnails, zoom, and keyboard paging (PageDown/PageUp, arrow
 * keys, Home/End; + and - zoom). `onFirstPaint` fires once page 1 is on screen.
 */
export function PdfView({ bytes, onFirstPaint }: { bytes: Uint8Array; onFirstPaint?: () => void }) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(1);
  const canvas = useRef<HTMLCanvasElement>(null);
  const painted = useRef(false);
  // Thumbnails are drawn once the first page is on screen: they never delay it.
  const [drawThumbs, setDrawThumbs] = useState(false);

  useEffect(() => {
    // pdf.js takes the buffer over (transfers it to its worker): give it a copy.
    const task = getDocument({ data: bytes.slice(), isEvalSupported: false, enableXfa: false, stopAtErrors: false });
    let current: PDFDocumentProxy | null = null;
    task.promise.then(
      (loaded) => {
        current = loaded;
        setDoc(loaded);
      },
      (reason: unknown) => setError(reason instanceof Error ? reason.message : 'This PDF cannot be read.'),
    );
    return () => {
      void task.destroy();
      void current?.destroy();
    };
  }, [bytes]);

  useEffect(() => {
    if (!doc || !canvas.current) return;
    let task: RenderTask | null = null;
    const run = { stopped: false };
    void (async () => {
      if (!canvas.current) return;
      task = await renderPage(doc, page, canvas.current, zoom * 1.4);
      if (run.stopped) {
        task?.cancel();
        return;
      }
      await task?.promise.then(
        () => {
          if (!painted.current) {
            painted.current = true;
            // Read by `npm run bench` (bench/pdfView.bench.ts): click to first page painted.
            performance.mark('custodian:pdf-first-paint');
            setDrawThumbs(true);
            onFirstPaint?.();
          }
        },
        () => undefined,
      );
    })();
    return () => {
      run.stopped = true;
      task?.cancel();
    };
  }, [doc, page, zoom, onFirstPaint]);

  if (error) return <Text c="red.8">This PDF cannot be shown: {error}</Text>;
  if (!doc) return <Loader size="sm" aria-label="Opening the PDF" />;

  const pages = doc.numPages;
  const go = (to: number) => setPage(Math.min(pages, Math.max(1, to)));
  const zoomBy = (step: number) => setZoom((z) => ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, ZOOMS.indexOf(z as (typeof ZOOMS)[number]) + step))] ?? z);
  const onKeyDown = (event: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      PageDown: () => go(page + 1),
      ArrowRight: () => go(page + 1),
      ArrowDown: () => go(page + 1),
      PageUp: () => go(page - 1),
      ArrowLeft: () => go(page - 1),
      ArrowUp: () => go(page - 1),
      Home: () => go(1),
      End: () => go(pages),
      '+': () => zoomBy(1),
      '=': () => zoomBy(1),
      '-': () => zoomBy(-1),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  return (
    <Stack gap="xs">
      <Group gap="xs" justify="space-between">
        <Group gap={4}>
          <ActionIcon variant="default" aria-label="Previous page" onClick={() => go(page - 1)} disabled={page === 1}>
            ‹
          </ActionIcon>
          <Text size="sm" data-testid="pdf-page">
            Page {page} of {pages}
          </Text>
          <ActionIcon variant="default" aria-label="Next page" onClick={() => go(page + 1)} disabled={page === pages}>
            ›
          </ActionIcon>
        </Group>
        <Group gap={4}>
          <ActionIcon variant="default" aria-label="Zoom out" onClick={() => zoomBy(-1)}>
            −
          </ActionIcon>
          <Text size="sm" w={48} ta="center" data-testid="pdf-zoom">
            {Math.round(zoom * 100)}%
          </Text>
          <ActionIcon variant="default" aria-label="Zoom in" onClick={() => zoomBy(1)}>
            +
          </ActionIcon>
        </Group>
      </Group>
      <Group align="flex-start" gap="sm" wrap="nowrap">
        <ScrollArea h={560} w={THUMB_WIDTH + 24} type="auto" aria-label="Page thumbnails">
          <Stack gap={6} p={2}>
            {Array.from({ length: pages }, (_, i) => (
              <Thumbnail key={i + 1} doc={doc} number={i + 1} active={page === i + 1} draw={drawThumbs} onPick={() => go(i + 1)} />
            ))}
          </Stack>
        </ScrollArea>
        <Box
          tabIndex={0}
          role="document"
          aria-label={`PDF page ${String(page)} of ${String(pages)}. Page Down and Page Up turn pages; plus and minus zoom.`}
          onKeyDown={onKeyDown}
          style={{ flex: 1, overflow: 'auto', maxHeight: 560, border: '1px solid var(--mantine-color-gray-3)', background: 'var(--mantine-color-gray-1)' }}
          data-testid="pdf-canvas-box"
        >
          <canvas ref={canvas} data-testid="pdf-canvas" style={{ display: 'block', margin: '0 auto', background: 'white' }} />
        </Box>
      </Group>
    </Stack>
  );
}
