import { Box } from '@mantine/core';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import type { RedactionBox } from '../../../shared/redaction/redactionTypes';

/** A box as the overlay draws it. */
export interface ShownBox {
  key: string;
  box: RedactionBox;
  look: 'accepted' | 'rejected' | 'drawn';
  selected: boolean;
  label: string;
}

export type RedactSource = { kind: 'pdf'; doc: PDFDocumentProxy } | { kind: 'image'; url: string; width: number; height: number };

/** CSS pixels per PDF point at 100%. */
const PDF_SCALE = 1.2;
/** Widest an image is shown, in CSS pixels. */
const IMAGE_WIDTH = 720;

const LOOKS: Record<ShownBox['look'], { fill: string; stroke: string; dash?: string }> = {
  accepted: { fill: 'rgba(0,0,0,0.72)', stroke: '#e03131' },
  drawn: { fill: 'rgba(0,0,0,0.82)', stroke: '#1c7ed6' },
  rejected: { fill: 'rgba(0,0,0,0)', stroke: '#868e96', dash: '4 3' },
};

/**
 * One page with the boxes over it, in the document's own units: PDF points with y up from the
 * bottom (flipped here for SVG), or image pixels with y down. Dragging on the page draws a box
 * (`onDraw`); clicking a box selects it (`onSelect`). What is shown here is a preview: the pixels
 * are burned in by core when the officer saves.
 */
export function RedactCanvas({
  source,
  page,
  boxes,
  onDraw,
  onSelect,
}: {
  source: RedactSource;
  page: number;
  boxes: readonly ShownBox[];
  onDraw: (box: RedactionBox) => void;
  onSelect: (key: string) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(source.kind === 'image' ? { width: source.width, height: source.height } : null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);

  useEffect(() => {
    if (source.kind !== 'pdf') return;
    let task: RenderTask | null = null;
    const run = { stopped: false };
    void (async () => {
      const pdfPage = await source.doc.getPage(page);
      const base = pdfPage.getViewport({ scale: 1 });
      if (run.stopped || !canvas.current) return;
      setSize({ width: base.width, height: base.height });
      const ratio = window.devicePixelRatio || 1;
      const viewport = pdfPage.getViewport({ scale: PDF_SCALE * ratio });
      canvas.current.width = Math.floor(viewport.width);
      canvas.current.height = Math.floor(viewport.height);
      const context = canvas.current.getContext('2d');
      if (!context) return;
      task = pdfPage.render({ canvas: canvas.current, canvasContext: context, viewport });
      await task.promise.catch(() => undefined);
    })();
    return () => {
      run.stopped = true;
      task?.cancel();
    };
  }, [source, page]);

  const scale = source.kind === 'pdf' ? PDF_SCALE : Math.min(1, IMAGE_WIDTH / source.width);
  const cssWidth = size ? size.width * scale : 0;
  const cssHeight = size ? size.height * scale : 0;
  // SVG y runs down; a PDF box's y runs up from the bottom.
  const toSvgY = (box: RedactionBox): number => (source.kind === 'pdf' && size ? size.height - box.y - box.height : box.y);

  const point = (event: PointerEvent): { x: number; y: number } => {
    const matrix = svg.current?.getScreenCTM()?.inverse();
    if (!svg.current || !matrix) return { x: 0, y: 0 };
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
    return { x: p.x, y: p.y };
  };
  const finish = (): void => {
    if (!drag || !size) return;
    const x = Math.max(0, Math.min(drag.x0, drag.x1));
    const top = Math.max(0, Math.min(drag.y0, drag.y1));
    const width = Math.min(size.width, Math.max(drag.x0, drag.x1)) - x;
    const height = Math.min(size.height, Math.max(drag.y0, drag.y1)) - top;
    setDrag(null);
    if (width < 2 || height < 2) return;
    onDraw({ page, x, y: source.kind === 'pdf' ? size.height - top - height : top, width, height });
  };

  return (
    <Box
      pos="relative"
      w={cssWidth || undefined}
      h={cssHeight || undefined}
      style={{ margin: '0 auto', background: 'white', boxShadow: '0 0 0 1px var(--mantine-color-gray-4)' }}
    >
      {source.kind === 'pdf' ? (
        <canvas ref={canvas} style={{ width: cssWidth, height: cssHeight, display: 'block' }} data-testid="redact-canvas" />
      ) : (
        <img src={source.url} alt="" style={{ width: cssWidth, height: cssHeight, display: 'block' }} data-testid="redact-canvas" draggable={false} />
      )}
      {size && (
        <svg
          ref={svg}
          viewBox={`0 0 ${String(size.width)} ${String(size.height)}`}
          width={cssWidth}
          height={cssHeight}
          style={{ position: 'absolute', inset: 0, cursor: 'crosshair', touchAction: 'none' }}
          data-testid="redact-overlay"
          aria-label={`Page ${String(page)}: drag to draw a redaction box`}
          role="img"
          onPointerDown={(event) => {
            if (event.button !== 0 || event.target !== svg.current) return;
            const p = point(event);
            svg.current.setPointerCapture(event.pointerId);
            setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
          }}
          onPointerMove={(event) => {
            if (!drag) return;
            const p = point(event);
            setDrag({ ...drag, x1: p.x, y1: p.y });
          }}
          onPointerUp={finish}
        >
          {boxes
            .filter((b) => b.box.page === page)
            .map((b) => {
              const look = LOOKS[b.look];
              return (
                <rect
                  key={b.key}
                  x={b.box.x}
                  y={toSvgY(b.box)}
                  width={b.box.width}
                  height={b.box.height}
                  fill={look.fill}
                  stroke={b.selected ? '#f59f00' : look.stroke}
                  strokeWidth={b.selected ? 3 / scale : 1.5 / scale}
                  strokeDasharray={look.dash}
                  data-testid={`redact-box-${b.look}`}
                  onPointerDown={(event) => {
                    event.stopPropagation();
                    onSelect(b.key);
                  }}
                  style={{ cursor: 'pointer' }}
                >
                  <title>{b.label}</title>
                </rect>
              );
            })}
          {drag && (
            <rect
              x={Math.min(drag.x0, drag.x1)}
              y={Math.min(drag.y0, drag.y1)}
              width={Math.abs(drag.x1 - drag.x0)}
              height={Math.abs(drag.y1 - drag.y0)}
              fill="rgba(0,0,0,0.4)"
              stroke="#1c7ed6"
              strokeWidth={1 / scale}
            />
          )}
        </svg>
      )}
    </Box>
  );
}
