import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  Progress,
  ScrollArea,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { getDocument } from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { REASON_CODES } from '../../../shared/redaction/redactionTypes';
import type { RedactionBox, RedactionSuggestion } from '../../../shared/redaction/redactionTypes';
import { call } from '../ipc/call';
import { usePolledJob } from '../ipc/usePolledJob';
import { loadEvidenceBytes } from '../evidence/loadEvidenceBytes';
// Sets pdf.js's worker (a file of this app), as the viewer does.
import '../evidence/PdfView';
import { RedactCanvas } from './RedactCanvas';
import type { RedactSource, ShownBox } from './RedactCanvas';

const KIND_LABELS: Record<RedactionSuggestion['kind'], string> = {
  ssn: 'SSN',
  email: 'E-mail',
  phone: 'Phone',
  dob: 'Date of birth',
  mrn: 'MRN',
  address: 'Address',
  person: 'Person',
  term: 'Term',
};

interface Suggested extends RedactionSuggestion {
  key: string;
  page: number;
  accepted: boolean;
}

const suggestStatus = (jobId: string) => window.custodian.redaction.suggestStatus({ jobId });
const redactStatus = (jobId: string) => window.custodian.redaction.status({ jobId });

/**
 * Redaction of one evidence file (shown in the evidence drawer in place of the file's details): core suggests (PII patterns, the vault's people, asked-for
 * terms; OCR for scans), the officer accepts or rejects each, draws boxes by hand (drag on the
 * page, or "Add a box" and the arrow keys), gives a reason, and saves: core burns the boxes into
 * a new, checked, redacted version; the original stays unchanged. Keyboard: PageUp/PageDown turn
 * pages; with a box selected, arrows move it (Shift+arrows resize), Delete removes a drawn box,
 * Space accepts or rejects a suggestion.
 */
export function RedactWorkspace({
  evidenceId,
  fileName,
  isPdf,
  onClose,
  onSaved,
}: {
  evidenceId: string;
  fileName: string;
  /** Else an image (PNG, JPEG, TIFF), shown as core decodes it for redaction. */
  isPdf: boolean;
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const queries = useQueryClient();
  const [source, setSource] = useState<RedactSource | null>(null);
  const [pages, setPages] = useState(1);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [options, setOptions] = useState({ pii: true, people: true, ocr: false });
  const [terms, setTerms] = useState('');
  const [suggestJob, setSuggestJob] = useState<string | null>(null);
  /** The officer's decisions on suggestions, by key (accepted unless rejected here). */
  const [decisions, setDecisions] = useState<Record<string, boolean>>({});
  const [drawn, setDrawn] = useState<{ key: string; box: RedactionBox }[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [reasons, setReasons] = useState<string[]>(['third-party-PII']);
  const [dpi, setDpi] = useState('200');
  const [keepText, setKeepText] = useState(false);
  const [redactJob, setRedactJob] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [imageSize, setImageSize] = useState<{ width: number; height: number } | null>(null);

  // The original, decrypted in core and read into this window for display (logged as viewed).
  useEffect(() => {
    const abort = new AbortController();
    let doc: PDFDocumentProxy | null = null;
    let url: string | null = null;
    // An image comes as core's redaction decodes it (orientation applied, TIFF as PNG): the boxes
    // are drawn on the very pixels they will be burned into.
    loadEvidenceBytes(evidenceId, abort.signal, undefined, { displayed: !isPdf }).then(
      async (file) => {
        if (file.mediaType === 'application/pdf') {
          doc = await getDocument({ data: file.bytes.slice(), isEvalSupported: false, enableXfa: false, stopAtErrors: false }).promise;
          if (abort.signal.aborted) return;
          setPages(doc.numPages);
          setSource({ kind: 'pdf', doc });
        } else {
          url = URL.createObjectURL(new Blob([file.bytes.slice()], { type: file.mediaType }));
          const image = new Image();
          image.onload = () => {
            if (abort.signal.aborted || !url) return;
            setImageSize({ width: image.naturalWidth, height: image.naturalHeight });
            setSource({ kind: 'image', url, width: image.naturalWidth, height: image.naturalHeight });
          };
          image.onerror = () => setLoadError('This image cannot be shown here.');
          image.src = url;
        }
      },
      (reason: unknown) => {
        if (!abort.signal.aborted) setLoadError(reason instanceof Error ? reason.message : 'The file could not be opened.');
      },
    );
    return () => {
      abort.abort();
      void doc?.destroy();
      if (url) URL.revokeObjectURL(url);
    };
  }, [evidenceId, isPdf]);

  const suggestion = usePolledJob(suggestJob, suggestStatus);
  const found = suggestion?.state === 'done' ? suggestion.result : null;
  const suggested: Suggested[] = useMemo(
    () =>
      (found?.pages ?? []).flatMap((p) =>
        p.suggestions.map((s, i) => {
          const key = `s${suggestJob ?? ''}-${String(p.page)}-${String(i)}`;
          return { ...s, key, page: p.page, accepted: decisions[key] ?? true };
        }),
      ),
    [found, suggestJob, decisions],
  );
  const decideAll = (accepted: boolean) => setDecisions(Object.fromEntries(suggested.map((s) => [s.key, accepted])));
  const redaction = usePolledJob(redactJob, redactStatus);
  useEffect(() => {
    if (redaction?.state === 'done') void queries.invalidateQueries({ queryKey: ['evidence.detail', evidenceId] });
  }, [redaction, queries, evidenceId]);

  const findSuggestions = async () => {
    setStartError(null);
    try {
      const list = terms
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const { jobId } = await call(window.custodian.redaction.suggest({ evidenceId, ...options, terms: list }));
      setSuggestJob(jobId);
    } catch (reason) {
      setStartError(reason instanceof Error ? reason.message : 'Suggestions could not be started.');
    }
  };

  const boxes = useMemo(() => [...suggested.filter((s) => s.accepted).flatMap((s) => s.boxes), ...drawn.map((d) => d.box)], [suggested, drawn]);
  const shown: ShownBox[] = useMemo(
    () => [
      ...suggested.flatMap((s) =>
        s.boxes.map((box, i) => ({
          key: `${s.key}-${String(i)}`,
          box,
          look: s.accepted ? ('accepted' as const) : ('rejected' as const),
          selected: selected === s.key,
          label: `${KIND_LABELS[s.kind]}: ${s.why}`,
        })),
      ),
      ...drawn.map((d) => ({ key: d.key, box: d.box, look: 'drawn' as const, selected: selected === d.key, label: 'Drawn by hand' })),
    ],
    [suggested, drawn, selected],
  );

  const addDrawn = useCallback((box: RedactionBox) => {
    const key = `d${String(Date.now())}-${String(Math.random()).slice(2, 8)}`;
    setDrawn((list) => [...list, { key, box }]);
    setSelected(key);
  }, []);
  const addCentredBox = () => {
    const size = source?.kind === 'image' ? imageSize : null;
    const width = size?.width ?? 612;
    const height = size?.height ?? 792;
    addDrawn({ page, x: width / 2 - width / 8, y: height / 2 - height / 40, width: width / 4, height: height / 20 });
  };
  const toggle = (key: string) => setDecisions((all) => ({ ...all, [key]: !(all[key] ?? true) }));

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'PageDown') setPage((p) => Math.min(pages, p + 1));
    else if (event.key === 'PageUp') setPage((p) => Math.max(1, p - 1));
    else if (selected?.startsWith('d') && event.key.startsWith('Arrow')) {
      const pdf = source?.kind === 'pdf';
      const step = pdf ? 2 : 4;
      // On screen: right and down are positive. A PDF's y runs up, an image's down.
      const across = event.key === 'ArrowRight' ? step : event.key === 'ArrowLeft' ? -step : 0;
      const down = event.key === 'ArrowDown' ? step : event.key === 'ArrowUp' ? -step : 0;
      setDrawn((list) =>
        list.map((d) => {
          if (d.key !== selected) return d;
          const b = d.box;
          if (!event.shiftKey) return { ...d, box: { ...b, x: b.x + across, y: pdf ? b.y - down : b.y + down } };
          // Shift resizes from the top-left corner, which stays put.
          const width = Math.max(2, b.width + across);
          const height = Math.max(2, b.height + down);
          return { ...d, box: { ...b, width, height, y: pdf ? b.y + b.height - height : b.y } };
        }),
      );
    } else if (selected?.startsWith('d') && (event.key === 'Delete' || event.key === 'Backspace')) {
      setDrawn((list) => list.filter((d) => d.key !== selected));
      setSelected(null);
    } else if (selected?.startsWith('s') && event.key === ' ') {
      toggle(selected);
    } else return;
    event.preventDefault();
  };

  const save = async () => {
    setStartError(null);
    try {
      const { jobId } = await call(window.custodian.redaction.start({ evidenceId, boxes, dpi: Number(dpi), keepText, reasons }));
      setRedactJob(jobId);
    } catch (reason) {
      setStartError(reason instanceof Error ? reason.message : 'The redaction could not be started.');
    }
  };

  const suggesting = suggestion?.state === 'running';
  const redacting = redaction?.state === 'running';
  const done = redaction?.state === 'done' ? redaction.result : null;

  return (
    <Stack gap="sm" data-testid="redact-workspace">
      <Group justify="space-between">
        <Title order={2} size="h4">
          Redact {fileName}
        </Title>
        <Button size="xs" variant="default" onClick={onClose} disabled={redacting}>
          Back to the file
        </Button>
      </Group>
      <Group align="flex-start" gap="md" wrap="nowrap" onKeyDown={onKeyDown}>
        <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between">
            <Group gap={4}>
              <ActionIcon variant="default" aria-label="Previous page" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page === 1}>
                ‹
              </ActionIcon>
              <Text size="sm" data-testid="redact-page">
                Page {page} of {pages}
              </Text>
              <ActionIcon variant="default" aria-label="Next page" onClick={() => setPage((p) => Math.min(pages, p + 1))} disabled={page === pages}>
                ›
              </ActionIcon>
            </Group>
            <Button size="xs" variant="default" onClick={addCentredBox} disabled={!source}>
              Add a box
            </Button>
          </Group>
          <Text size="xs" c="gray.7">
            Drag on the page to draw a box. Red boxes are accepted suggestions, blue ones yours, dashed ones rejected. The preview is a preview: on saving, core
            paints the boxes into the pixels of every page.
          </Text>
          <div
            tabIndex={0}
            aria-label="The page being redacted"
            style={{ height: 620, overflow: 'auto', background: 'var(--mantine-color-gray-1)', padding: 8 }}
          >
            {loadError && (
              <Alert color="red" role="alert">
                {loadError}
              </Alert>
            )}
            {!source && !loadError && <Loader size="sm" aria-label="Opening the file" />}
            {source && <RedactCanvas source={source} page={page} boxes={shown} onDraw={addDrawn} onSelect={setSelected} />}
          </div>
        </Stack>
        <Stack gap="sm" w={380} style={{ flexShrink: 0 }}>
          <Title order={3} size="h5">
            Suggestions
          </Title>
          <Group gap="md">
            <Checkbox label="PII patterns" checked={options.pii} onChange={(e) => setOptions({ ...options, pii: e.currentTarget.checked })} />
            <Checkbox label="People of this vault" checked={options.people} onChange={(e) => setOptions({ ...options, people: e.currentTarget.checked })} />
            <Checkbox label="OCR scans (slower)" checked={options.ocr} onChange={(e) => setOptions({ ...options, ocr: e.currentTarget.checked })} />
          </Group>
          <TextInput size="xs" label="Also find these terms (comma-separated)" value={terms} onChange={(e) => setTerms(e.currentTarget.value)} />
          <Group gap="xs">
            <Button size="xs" onClick={() => void findSuggestions()} loading={suggesting} disabled={!source || redacting}>
              Find suggestions
            </Button>
            {suggesting && suggestJob && (
              <Button size="xs" variant="default" onClick={() => void call(window.custodian.redaction.suggestCancel({ jobId: suggestJob }))}>
                Cancel
              </Button>
            )}
          </Group>
          {suggesting && <Progress value={suggestion.total > 0 ? (100 * suggestion.pages) / suggestion.total : 0} aria-label="Reading pages for suggestions" />}
          {suggestion?.state === 'failed' && (
            <Alert color="red" role="alert">
              {suggestion.error?.message}
            </Alert>
          )}
          {suggestion?.state === 'done' && suggested.length === 0 && (
            <Text size="sm" c="gray.7">
              Nothing found to suggest
              {suggestion.result?.pages.some((p) => p.text === 'none') ? '; some pages have no text layer: tick OCR, or draw boxes' : ''}.
            </Text>
          )}
          {suggested.length > 0 && (
            <>
              <Group gap="xs">
                <Button size="compact-xs" variant="subtle" onClick={() => decideAll(true)}>
                  Accept all
                </Button>
                <Button size="compact-xs" variant="subtle" onClick={() => decideAll(false)}>
                  Reject all
                </Button>
                <Text size="xs" c="gray.7" data-testid="redact-accepted-count">
                  {suggested.filter((s) => s.accepted).length} of {suggested.length} accepted
                </Text>
              </Group>
              <ScrollArea h={200} type="auto">
                <Stack gap={4} data-testid="redact-suggestions">
                  {suggested.map((s) => (
                    <Checkbox
                      key={s.key}
                      checked={s.accepted}
                      onChange={() => toggle(s.key)}
                      onFocus={() => {
                        setSelected(s.key);
                        setPage(s.page);
                      }}
                      label={
                        <span>
                          <Badge size="xs" variant="light" mr={4}>
                            {KIND_LABELS[s.kind]}
                          </Badge>
                          {s.text}{' '}
                          <Text span size="xs" c="gray.7">
                            p. {s.page} · {s.why}
                            {s.source === 'ocr' ? ' (OCR)' : ''}
                          </Text>
                        </span>
                      }
                    />
                  ))}
                </Stack>
              </ScrollArea>
            </>
          )}
          <Text size="sm" data-testid="redact-drawn-count">
            {drawn.length} box{drawn.length === 1 ? '' : 'es'} drawn by hand
            {selected?.startsWith('d') ? ' · selected: arrows move, Shift+arrows resize, Delete removes' : ''}
          </Text>
          <TagsInput
            size="xs"
            label="Reason codes"
            description="Logged with the redaction; type your own code and press Enter"
            data={[...REASON_CODES]}
            value={reasons}
            onChange={setReasons}
            clearable
          />
          <Group gap="md" align="flex-end">
            <NativeSelect
              size="xs"
              label="Resolution"
              value={dpi}
              onChange={(e) => setDpi(e.currentTarget.value)}
              data={['150', '200', '300'].map((v) => ({ value: v, label: `${v} DPI` }))}
            />
            <Checkbox label="Keep searchable text of unredacted words" checked={keepText} onChange={(e) => setKeepText(e.currentTarget.checked)} />
          </Group>
          {startError && (
            <Alert color="red" role="alert">
              {startError}
            </Alert>
          )}
          {redacting && (
            <Stack gap={4}>
              <Text size="sm">
                Burning in the boxes: page {redaction.pages} of {redaction.total || '…'}
              </Text>
              <Progress value={redaction.total > 0 ? (100 * redaction.pages) / redaction.total : 0} aria-label="Redacting pages" />
              {redactJob && (
                <Button size="xs" variant="default" onClick={() => void call(window.custodian.redaction.cancel({ jobId: redactJob }))}>
                  Cancel
                </Button>
              )}
            </Stack>
          )}
          {redaction?.state === 'failed' && (
            <Alert color="red" role="alert" title="Not redacted">
              {redaction.error?.message}
            </Alert>
          )}
          {redaction?.state === 'cancelled' && <Text size="sm">Cancelled. Nothing was kept.</Text>}
          {done ? (
            <Alert color="teal" title="Redacted version saved" data-testid="redact-done">
              <Stack gap={6}>
                <Text size="sm">
                  {done.fileName}: {done.boxes} box{done.boxes === 1 ? '' : 'es'} on {done.pages} page{done.pages === 1 ? '' : 's'}. Every page was rasterised;
                  the original is unchanged.
                </Text>
                <Group gap="xs">
                  <Button size="xs" onClick={() => onSaved(done.evidenceId)}>
                    Open the redacted version
                  </Button>
                  <Button size="xs" variant="default" onClick={onClose}>
                    Close
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <Button onClick={() => void save()} disabled={!source || redacting || reasons.length === 0} data-testid="redact-save">
              Redact and save a new version ({boxes.length} box{boxes.length === 1 ? '' : 'es'})
            </Button>
          )}
        </Stack>
      </Group>
    </Stack>
  );
}
