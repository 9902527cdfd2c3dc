import { Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { decode, decodeImage, toRGBA8 } from 'utif2';

/** Largest TIFF page decoded (pixels): a scan at 600 dpi of an A3 sheet is about 70 million. */
const MAX_TIFF_PIXELS = 100_000_000;

type DecodedTiff = { pages: number; width: number; height: number; rgba: Uint8Array } | { error: string };

function decodeTiff(bytes: Uint8Array, page: number): DecodedTiff {
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const pages = decode(buffer);
    const ifd = pages[page - 1];
    if (!ifd) return { error: 'no image in the file' };
    // Checked from the tags before anything is decompressed: a small file can claim a huge image.
    const width = (ifd.t256 as number[] | undefined)?.[0] ?? 0;
    const height = (ifd.t257 as number[] | undefined)?.[0] ?? 0;
    if (!(width > 0 && height > 0) || width * height > MAX_TIFF_PIXELS) return { error: 'the image is too large to show, or states no size' };
    decodeImage(buffer, ifd);
    if (ifd.width * ifd.height > MAX_TIFF_PIXELS) return { error: 'the image is too large to show' };
    return { pages: pages.length, width: ifd.width, height: ifd.height, rgba: toRGBA8(ifd) };
  } catch (reason) {
    return { error: reason instanceof Error ? reason.message : 'unreadable' };
  }
}

function TiffCanvas({ bytes, page, zoom, onPaint }: { bytes: Uint8Array; page: number; zoom: number; onPaint: (pages: number) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const decoded = useMemo(() => decodeTiff(bytes, page), [bytes, page]);
  useEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext('2d');
    if ('error' in decoded || !canvas || !context) return;
    canvas.width = decoded.width;
    canvas.height = decoded.height;
    context.putImageData(new ImageData(new Uint8ClampedArray(decoded.rgba), decoded.width, decoded.height), 0, 0);
    onPaint(decoded.pages);
  }, [decoded, onPaint]);
  if ('error' in decoded) return <Text c="red.8">This TIFF cannot be shown: {decoded.error}</Text>;
  return <canvas ref={ref} style={{ width: `${String(zoom * 100)}%`, display: 'block' }} data-testid="tiff-canvas" />;
}

/** PNG, JPEG (the browser decodes them from a blob: URL, which the CSP allows) and TIFF (decoded here): zoom to fit or actual size. */
export function ImageView({ bytes, mediaType, fileName, onFirstPaint }: { bytes: Uint8Array; mediaType: string; fileName: string; onFirstPaint?: () => void }) {
  const [fit, setFit] = useState<'fit' | 'actual'>('fit');
  const [tiffPages, setTiffPages] = useState(1);
  const [tiffPage, setTiffPage] = useState(1);
  const tiff = mediaType === 'image/tiff';
  const url = useMemo(() => (tiff ? null : URL.createObjectURL(new Blob([bytes as BlobPart], { type: mediaType }))), [bytes, mediaType, tiff]);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <SegmentedControl
          size="xs"
          value={fit}
          onChange={(value) => setFit(value)}
          data={[
            { value: 'fit', label: 'Fit' },
            { value: 'actual', label: 'Actual size' },
          ]}
          aria-label="Zoom"
        />
        {tiff && tiffPages > 1 && (
          <SegmentedControl
            size="xs"
            value={String(tiffPage)}
            onChange={(value) => setTiffPage(Number(value))}
            data={Array.from({ length: tiffPages }, (_, i) => ({ value: String(i + 1), label: `Page ${String(i + 1)}` }))}
            aria-label="TIFF page"
          />
        )}
      </Group>
      <div style={{ overflow: 'auto', maxHeight: 600, border: '1px solid var(--mantine-color-gray-3)' }} tabIndex={0} aria-label={`Image ${fileName}`}>
        {tiff ? (
          <TiffCanvas
            bytes={bytes}
            page={tiffPage}
            zoom={fit === 'fit' ? 1 : 2}
            onPaint={(pages) => {
              setTiffPages(pages);
              onFirstPaint?.();
            }}
          />
        ) : (
          url && (
            <img
              src={url}
              alt={`Evidence image ${fileName}`}
              onLoad={() => onFirstPaint?.()}
              style={fit === 'fit' ? { maxWidth: '100%', display: 'block' } : { display: 'block' }}
              data-testid="evidence-image"
            />
          )
        )}
      </div>
    </Stack>
  );
}
