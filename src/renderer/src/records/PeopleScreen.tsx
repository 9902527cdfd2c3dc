import { Alert, Badge, Button, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { PERSON_COMPLIANCE, PERSON_COMPLIANCE_LABELS } from '../../../shared/compliance/complianceStatus';
import type { PersonCompliance } from '../../../shared/compliance/complianceStatus';
import type { ChannelOutput } from '../../../shared/ipc/contract';
import { call } from '../ipc/call';
import { ExportCsvButton } from './ExportCsvButton';
import { ImportWizard } from './ImportWizard';
import { PersonDrawer } from './PersonDrawer';
import { useDebounced } from './useDebounced';
import { usePagedRows } from './usePagedRows';
import { VirtualTable } from './VirtualTable';
import type { Column } from './VirtualTable';

type Person = ChannelOutput<'custodian:records.people'>['rows'][number];
type Sort = 'name' | 'employeeId' | 'orgUnit' | 'jobRole' | 'hireDate';

export const COMPLIANCE_COLORS: Record<PersonCompliance, string> = {
  not_current: 'red',
  evidence_gap: 'orange',
  due_soon: 'yellow',
  compliant: 'teal',
  none: 'gray',
};

const COLUMNS: Column<Person>[] = [
  { id: 'name', header: 'Name', width: '1.6fr', sortKey: 'name', cell: (p) => p.name },
  // Roles that may not see the employee id see the person's pseudonym: people can still be told apart and asked about.
  { id: 'employeeId', header: 'Employee ID', width: 132, sortKey: 'employeeId', cell: (p) => (p.employeeId === '•••••' ? p.pseudonym : (p.employeeId ?? '—')) },
  {
    id: 'compliance',
    header: 'Compliance',
    width: 172,
    cell: (p) =>
      p.compliance === null ? (
        '—'
      ) : (
        <Badge variant="dot" color={COMPLIANCE_COLORS[p.compliance]} tt="none" fw={600}>
          {PERSON_COMPLIANCE_LABELS[p.compliance]}
        </Badge>
      ),
  },
  { id: 'orgUnit', header: 'Unit', width: '1fr', sortKey: 'orgUnit', cell: (p) => p.orgUnit ?? '—' },
  { id: 'jobRole', header: 'Job role', width: '1.2fr', sortKey: 'jobRole', cell: (p) => p.jobRole ?? '—' },
  { id: 'hireDate', header: 'Hired', width: 110, sortKey: 'hireDate', cell: (p) => p.hireDate ?? '—' },
  { id: 'status', header: 'Status', width: 90, cell: (p) => (p.terminationDate ? `Left ${p.terminationDate.slice(0, 4)}` : 'Active') },
];

/** Everyone in the vault: searchable (FTS5), sortable, filterable, windowed for 100,000 rows. */
export function PeopleScreen() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'all' | 'active' | 'left'>('active');
  const [compliance, setCompliance] = useState<PersonCompliance | ''>('');
  const [sort, setSort] = useState<{ key: Sort; dir: 'asc' | 'desc' }>({ key: 'name', dir: 'asc' });
  const [open, setOpen] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const query = useDebounced(search);
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      call(
        window.custodian.records.people({
          ...(query ? { search: query } : {}),
          status,
          ...(compliance ? { compliance } : {}),
          sort: sort.key,
          dir: sort.dir,
          offset,
          limit,
        }),
      ),
    [query, status, compliance, sort],
  );
  const people = usePagedRows(['records.people', query, status, compliance, sort.key, sort.dir], fetchPage);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={1} size="h3">
            People
          </Title>
          <Badge variant="light" data-testid="people-total">
            {people.total.toLocaleString('en')}
          </Badge>
          {people.masked && <Badge color="gray">PII masked for your role</Badge>}
        </Group>
        <Group gap="sm">
          <ExportCsvButton
            suggestedName="people.csv"
            list={{ list: 'people', ...(query ? { search: query } : {}), status, ...(compliance ? { compliance } : {}), sort: sort.key, dir: sort.dir }}
          />
          <Button size="xs" onClick={() => setImporting(true)}>
            Import…
          </Button>
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(value) => setStatus(value)}
            data={[
              { value: 'active', label: 'Active' },
              { value: 'left', label: 'Left' },
              { value: 'all', label: 'All' },
            ]}
            aria-label="Employment status"
          />
          <NativeSelect
            size="xs"
            aria-label="Compliance today"
            value={compliance}
            onChange={(e) => setCompliance(e.currentTarget.value as PersonCompliance | '')}
            data={[{ value: '', label: 'Any compliance' }, ...PERSON_COMPLIANCE.map((c) => ({ value: c, label: PERSON_COMPLIANCE_LABELS[c] }))]}
          />
          <TextInput
            size="xs"
            w={260}
            placeholder={people.masked ? 'Search by pseudonym (P-…): names are masked' : 'Search name, e-mail, employee id, pseudonym'}
            aria-label="Search people"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
        </Group>
      </Group>
      {people.error && (
        <Alert color="red" role="alert">
          {people.error.message}
        </Alert>
      )}
      <VirtualTable
        label="People"
        columns={COLUMNS}
        total={people.total}
        rowAt={people.rowAt}
        sort={sort}
        onSort={(key) => setSort((s) => ({ key: key as Sort, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }))}
        onVisibleChange={people.onVisibleChange}
        onOpen={(p) => setOpen(p.personId)}
        empty={
          <Text c="gray.7" ta="center" maw={420}>
            {people.isPending
              ? 'Loading…'
              : query
                ? `Nobody matches "${query}".`
                : 'Nothing here yet. Choose Import… to bring in an export from your HR system or LMS.'}
          </Text>
        }
      />
      <PersonDrawer personId={open} onClose={() => setOpen(null)} />
      <ImportWizard opened={importing} onClose={() => setImporting(false)} />
    </Stack>
  );
}
