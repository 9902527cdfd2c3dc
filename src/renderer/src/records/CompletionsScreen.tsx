import { Alert, Badge, Button, Group, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useNavigation } from '../navigation';
import { useCallback, useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract';
import { call } from '../ipc/call';
import { ExportCsvButton } from './ExportCsvButton';
import { ImportWizard } from './ImportWizard';
import { PersonDrawer } from './PersonDrawer';
import { useDebounced } from './useDebounced';
import { usePagedRows } from './usePagedRows';
import { VirtualTable } from './VirtualTable';
import type { Column } from './VirtualTable';

type Completion = ChannelOutput<'custodian:records.completions'>['rows'][number];
type Sort = 'completedOn' | 'course' | 'person' | 'score' | 'expiresOn';

const BASE_COLUMNS: Column<Completion>[] = [
  { id: 'person', header: 'Person', width: '1.4fr', sortKey: 'person', cell: (c) => c.person },
  { id: 'course', header: 'Course', width: '1.6fr', sortKey: 'course', cell: (c) => c.course },
  { id: 'completedOn', header: 'Completed', width: 124, sortKey: 'completedOn', cell: (c) => c.completedOn },
  { id: 'score', header: 'Score', width: 80, sortKey: 'score', cell: (c) => (c.score === null ? '—' : String(c.score)) },
  { id: 'passed', header: 'Result', width: 100, cell: (c) => (c.passed === null ? 'Completed' : c.passed ? 'Passed' : 'Failed') },
  { id: 'expiresOn', header: 'Expires', width: 110, sortKey: 'expiresOn', cell: (c) => c.expiresOn ?? '—' },
  { id: 'method', header: 'Method', width: '0.8fr', cell: (c) => c.deliveryMethod ?? '—' },
];

/** Every current completion, windowed; search matches people and courses. */
export function CompletionsScreen() {
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: Sort; dir: 'asc' | 'desc' }>({ key: 'completedOn', dir: 'desc' });
  const [open, setOpen] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const query = useDebounced(search);
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      call(window.custodian.records.completions({ ...(query ? { search: query } : {}), sort: sort.key, dir: sort.dir, offset, limit })),
    [query, sort],
  );
  const completions = usePagedRows(['records.completions', query, sort.key, sort.dir], fetchPage);
  const navigation = useNavigation();
  const columns: Column<Completion>[] = [
    ...BASE_COLUMNS,
    {
      id: 'evidence',
      header: 'Evidence',
      width: 96,
      cell: (c) => (
        <UnstyledButton
          fz="sm"
          td="underline"
          aria-label={`Evidence for ${c.course}, ${c.completedOn}`}
          onClick={(e) => {
            e.stopPropagation();
            navigation.go('evidence', { completionId: c.completionId, completionLabel: `${c.person}, ${c.courseCode} ${c.completedOn}` });
          }}
        >
          Open
        </UnstyledButton>
      ),
    },
  ];

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={1} size="h3">
            Completions
          </Title>
          <Badge variant="light" data-testid="completions-total">
            {completions.total.toLocaleString('en')}
          </Badge>
          {completions.masked && <Badge color="gray">PII masked for your role</Badge>}
        </Group>
        <Group gap="sm">
          <ExportCsvButton suggestedName="completions.csv" list={{ list: 'completions', ...(query ? { search: query } : {}), sort: sort.key, dir: sort.dir }} />
          <Button size="xs" onClick={() => setImporting(true)}>
            Import…
          </Button>
          <TextInput
            size="xs"
            w={280}
            placeholder="Search person or course"
            aria-label="Search completions"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
        </Group>
      </Group>
      {completions.error && (
        <Alert color="red" role="alert">
          {completions.error.message}
        </Alert>
      )}
      <VirtualTable
        label="Completions"
        columns={columns}
        total={completions.total}
        rowAt={completions.rowAt}
        sort={sort}
        onSort={(key) => setSort((s) => ({ key: key as Sort, dir: s.key === key && s.dir === 'desc' ? 'asc' : 'desc' }))}
        onVisibleChange={completions.onVisibleChange}
        onOpen={(c) => setOpen(c.personId)}
        empty={
          <Text c="gray.7" ta="center" maw={420}>
            {completions.isPending
              ? 'Loading…'
              : query
                ? `No completion matches "${query}".`
                : 'Nothing here yet. Choose Import… to bring in an export from your HR system or LMS.'}
          </Text>
        }
      />
      <PersonDrawer personId={open} onClose={() => setOpen(null)} />
      <ImportWizard opened={importing} onClose={() => setImporting(false)} />
    </Stack>
  );
}
