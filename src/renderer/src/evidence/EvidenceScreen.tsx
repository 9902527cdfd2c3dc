import { Alert, Badge, Button, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { useComplianceReport } from '../dashboard/complianceQueries';
import { localToday } from '../dashboard/dashboardFormat';
import { requirementInfo } from '../dashboard/requirementInfo';
import { call } from '../ipc/call';
import type { EvidenceFilter } from '../navigation';
import { useDebounced } from '../records/useDebounced';
import { usePagedRows } from '../records/usePagedRows';
import { VirtualTable } from '../records/VirtualTable';
import type { Column } from '../records/VirtualTable';
import { ExportCsvButton } from '../records/ExportCsvButton';
import { AddEvidenceModal } from './AddEvidenceModal';
import type { AddTarget } from './AddEvidenceModal';
import { EvidenceDrawer } from './EvidenceDrawer';
import { STATE_COLORS, STATE_LABELS, formatSize, linksLabel, personLabel } from './evidenceFormat';
import type { EvidenceRow, EvidenceState } from './evidenceFormat';
import { MissingEvidence } from './MissingEvidence';
import { SignDialog } from './SignDialog';

type Sort = 'documentDate' | 'addedAt' | 'fileName' | 'size' | 'points';

/**
 * Every evidence file (windowed like the record lists) with what it documents, its state and
 * latest signed review; filters, search, the review queue (unreviewed files by the points their
 * acceptance wins) with bulk accept, and the missing-evidence view.
 */
export function EvidenceScreen({ initial }: { initial: EvidenceFilter }) {
  const [view, setView] = useState<'list' | 'queue' | 'missing'>(initial.view ?? 'list');
  const [state, setState] = useState<EvidenceState | ''>(initial.state ?? '');
  const [requirementId, setRequirementId] = useState(initial.requirementId ?? '');
  const [unit, setUnit] = useState(initial.unit ?? '');
  const [person, setPerson] = useState(initial.personId ? { id: initial.personId, label: initial.personLabel ?? 'one person' } : null);
  const [completion, setCompletion] = useState(initial.completionId ? { id: initial.completionId, label: initial.completionLabel ?? 'one training' } : null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [search, setSearch] = useState(initial.search ?? '');
  const [sort, setSort] = useState<{ key: Sort; dir: 'asc' | 'desc' }>({ key: 'documentDate', dir: 'desc' });
  const [open, setOpen] = useState<string | null>(initial.evidenceId ?? null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [selectedFiles, setSelectedFiles] = useState<ReadonlyMap<string, { fileName: string; stamp: string }>>(new Map());
  const [signing, setSigning] = useState(false);
  const [adding, setAdding] = useState<AddTarget | null>(null);
  const today = localToday();
  const report = useComplianceReport(today, null);
  const requirements = useMemo(() => (report.data ? [...requirementInfo(report.data).values()] : []), [report.data]);
  const units = useMemo(() => [...new Set((report.data?.heatmap.cells ?? []).map((c) => c.unit))].sort(), [report.data]);
  const query = useDebounced(search);

  const queue = view === 'queue';
  const effectiveState = queue ? 'pending' : state;
  const effectiveSort = queue ? { key: 'points' as const, dir: 'desc' as const } : sort;
  const filters = {
    ...(query ? { search: query } : {}),
    ...(effectiveState ? { state: effectiveState } : {}),
    ...(requirementId ? { requirementId } : {}),
    ...(unit ? { unit } : {}),
    ...(person ? { personId: person.id } : {}),
    ...(completion ? { completionId: completion.id } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
  // The filters as one value: the page fetcher changes only when one of them does.
  const filterKey = JSON.stringify(filters);
  const sortKey = effectiveSort.key;
  const sortDir = effectiveSort.dir;
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      call(
        window.custodian.evidence.list({
          ...(JSON.parse(filterKey) as typeof filters),
          sort: sortKey,
          dir: sortDir,
          ...(sortKey === 'points' ? { asOf: today } : {}),
          offset,
          limit,
        }),
      ),
    [filterKey, sortKey, sortDir, today],
  );
  const rows = usePagedRows(['evidence.list', filterKey, sortKey, sortDir], fetchPage);

  const toggle = (row: EvidenceRow) => {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(row.evidenceId)) next.delete(row.evidenceId);
      else next.add(row.evidenceId);
      return next;
    });
    setSelectedFiles((m) => new Map(m).set(row.evidenceId, { fileName: row.fileName, stamp: row.stamp }));
  };

  const columns: Column<EvidenceRow>[] = [
    {
      id: 'select',
      header: 'Select',
      width: 60,
      cell: (r) =>
        r.state === 'pending' ? (
          <input
            type="checkbox"
            aria-label={`Select ${r.fileName}`}
            checked={selected.has(r.evidenceId)}
            onClick={(e) => e.stopPropagation()}
            onChange={() => toggle(r)}
          />
        ) : null,
    },
    { id: 'documentDate', header: 'Document date', width: 124, sortKey: 'documentDate', cell: (r) => r.documentDate },
    { id: 'fileName', header: 'File', width: '1.4fr', sortKey: 'fileName', cell: (r) => r.fileName },
    { id: 'person', header: 'Person', width: '1.2fr', cell: (r) => personLabel(r.person) },
    { id: 'links', header: 'Linked to', width: '1fr', cell: (r) => linksLabel(r.links) },
    {
      id: 'state',
      header: 'State',
      width: 112,
      cell: (r) => (
        <Badge color={STATE_COLORS[r.state]} variant="light" size="sm">
          {STATE_LABELS[r.state]}
        </Badge>
      ),
    },
    queue
      ? { id: 'points', header: 'Points', width: 72, cell: (r) => (r.points === null ? '—' : `+${r.points.toFixed(2)}`) }
      : { id: 'addedAt', header: 'Added', width: 100, sortKey: 'addedAt', cell: (r) => r.addedAt.slice(0, 10) },
    { id: 'size', header: 'Size', width: 80, ...(queue ? {} : { sortKey: 'size' }), cell: (r) => formatSize(r.size) },
  ];

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={1} size="h3">
            Evidence
          </Title>
          {view !== 'missing' && (
            <Badge variant="light" data-testid="evidence-total">
              {rows.total.toLocaleString('en')}
            </Badge>
          )}
          {rows.masked && <Badge color="gray">Names masked for your role</Badge>}
        </Group>
        <Group gap="sm">
          <SegmentedControl
            size="xs"
            value={view}
            onChange={setView}
            data={[
              { value: 'list', label: 'All evidence' },
              { value: 'queue', label: 'Review queue' },
              { value: 'missing', label: 'Missing evidence' },
            ]}
            aria-label="Evidence view"
          />
          {view !== 'missing' && (
            <ExportCsvButton
              suggestedName="evidence.csv"
              list={{ list: 'evidence', ...filters, sort: queue ? 'documentDate' : sort.key === 'points' ? 'documentDate' : sort.key, dir: effectiveSort.dir }}
            />
          )}
          <Button
            size="xs"
            onClick={() =>
              setAdding({
                ...(person ? { personId: person.id, label: person.label } : {}),
                ...(completion ? { completionId: completion.id, label: completion.label } : {}),
              })
            }
          >
            Add evidence…
          </Button>
        </Group>
      </Group>
      {view === 'missing' ? (
        <MissingEvidence requirements={requirements} asOf={today} onAdd={setAdding} initialRequirement={requirementId} />
      ) : (
        <>
          <Group gap="xs" align="flex-end">
            {!queue && (
              <NativeSelect
                size="xs"
                label="State"
                value={state}
                onChange={(e) => setState(e.currentTarget.value as EvidenceState | '')}
                data={[
                  { value: '', label: 'Any' },
                  ...(['pending', 'accepted', 'rejected', 'superseded'] as const).map((s) => ({ value: s, label: STATE_LABELS[s] })),
                ]}
              />
            )}
            <NativeSelect
              size="xs"
              label="Requirement"
              w={220}
              value={requirementId}
              onChange={(e) => setRequirementId(e.currentTarget.value)}
              data={[{ value: '', label: 'Any' }, ...requirements.map((r) => ({ value: r.requirementId, label: r.title }))]}
            />
            <NativeSelect
              size="xs"
              label="Unit"
              w={160}
              value={unit}
              onChange={(e) => setUnit(e.currentTarget.value)}
              data={[{ value: '', label: 'Any' }, ...units.map((u) => ({ value: u, label: u }))]}
            />
            <TextInput size="xs" type="date" label="Documented from" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput size="xs" type="date" label="to" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
            <TextInput
              size="xs"
              w={220}
              label="Search"
              placeholder={rows.masked ? 'File name' : 'File name, person, employee id'}
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
            />
            {completion && (
              <Button size="xs" variant="light" onClick={() => setCompletion(null)} aria-label={`Remove the filter for ${completion.label}`}>
                {completion.label} ✕
              </Button>
            )}
            {person && (
              <Button size="xs" variant="light" onClick={() => setPerson(null)} aria-label={`Remove the filter for ${person.label}`}>
                {person.label} ✕
              </Button>
            )}
          </Group>
          {queue && (
            <Group gap="sm">
              <Text size="sm" c="gray.8">
                Unreviewed files, the most score points first.
              </Text>
              <Button size="xs" color="teal" disabled={selected.size === 0} onClick={() => setSigning(true)}>
                Accept selected ({selected.size})…
              </Button>
            </Group>
          )}
          {!queue && selected.size > 0 && (
            <Button size="xs" color="teal" w="fit-content" onClick={() => setSigning(true)}>
              Accept selected ({selected.size})…
            </Button>
          )}
          {rows.error && (
            <Alert color="red" role="alert">
              {rows.error.message}
            </Alert>
          )}
          <VirtualTable
            label="Evidence"
            columns={columns}
            total={rows.total}
            rowAt={rows.rowAt}
            sort={effectiveSort}
            onSort={(key) => setSort((s) => ({ key: key as Sort, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }))}
            onVisibleChange={rows.onVisibleChange}
            onOpen={(r) => setOpen(r.evidenceId)}
            height="calc(100vh - 300px)"
            empty={
              <Text c="gray.7" ta="center" maw={420}>
                {rows.isPending ? 'Loading…' : queue ? 'Nothing awaits review.' : 'No evidence matches. Choose Add evidence… to add a file.'}
              </Text>
            }
          />
        </>
      )}
      <EvidenceDrawer evidenceId={open} onClose={() => setOpen(null)} onOpen={setOpen} />
      <SignDialog
        items={[...selected].map((id) => ({ evidenceId: id, fileName: selectedFiles.get(id)?.fileName ?? id, stamp: selectedFiles.get(id)?.stamp ?? '' }))}
        decision={signing ? 'accept' : null}
        onClose={() => setSigning(false)}
        onSigned={() => setSelected(new Set())}
      />
      {adding && <AddEvidenceModal target={adding} onClose={() => setAdding(null)} />}
    </Stack>
  );
}
