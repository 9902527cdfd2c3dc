import { Alert, Button, Checkbox, Group, Modal, NativeSelect, Progress, ScrollArea, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { IMPORT_FIELD_LABELS } from '../../../shared/importFieldLabels';
import type { ChannelInput, ChannelOutput } from '../../../shared/ipc/contract';
import { call } from '../ipc/call';

type Preview = ChannelOutput<'custodian:import.preview'>;

const fieldLabel = (field: string) => (field === 'ignore' ? '(ignore)' : (IMPORT_FIELD_LABELS[field] ?? field));
type Kind = ChannelInput<'custodian:import.start'>['as'];
type DateFormat = '' | 'dd/mm/yyyy' | 'mm/dd/yyyy';

/**
 * Import an LMS or HR export: file chosen through the main-process dialog, a preview of the
 * first rows with the proposed column mapping (editable), a check (dry run) with the validation
 * report, then the import itself with a progress bar and cancel. All or nothing.
 */
export function ImportWizard({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [file, setFile] = useState<{ token: string; displayName: string } | null>(null);
  const [kind, setKind] = useState<Kind | null>(null);
  const [map, setMap] = useState<Record<string, string>>({});
  const [dateFormat, setDateFormat] = useState<DateFormat>('');
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);

  const choose = useMutation({
    mutationFn: () => call(window.custodian.import.chooseFile()),
    onSuccess: (result) => {
      if (!result.file) return;
      setFile(result.file);
      setKind(null);
      setMap({});
      setJobId(null);
    },
  });
  const preview = useQuery({
    queryKey: ['import.preview', file?.token, kind, map],
    queryFn: () => call(window.custodian.import.preview({ file: file?.token ?? '', ...(kind ? { as: kind } : {}), map })),
    enabled: file !== null,
    retry: false,
  });
  const start = useMutation({
    mutationFn: (dryRun: boolean) =>
      call(
        window.custodian.import.start({
          file: file?.token ?? '',
          as: kind ?? preview.data?.kind ?? 'roster',
          map,
          ...(dateFormat ? { dateFormat } : {}),
          skipInvalid,
          dryRun,
        }),
      ),
    onSuccess: (result) => setJobId(result.jobId),
  });
  const status = useQuery({
    queryKey: ['import.status', jobId],
    queryFn: () => call(window.custodian.import.status({ jobId: jobId ?? '' })),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 300 : false),
  });
  const cancel = useMutation({ mutationFn: () => call(window.custodian.import.cancel({ jobId: jobId ?? '' })) });

  const running = status.data?.state === 'running' || start.isPending;
  const result = status.data?.result ?? null;
  const effectiveKind = kind ?? preview.data?.kind ?? null;
  const committed = result?.committed === true;
  useEffect(() => {
    if (committed) void client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('records.') });
  }, [committed, client]);

  const close = () => {
    if (running) return;
    setFile(null);
    setJobId(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Import records" size="90%" closeOnClickOutside={false} closeButtonProps={{ 'aria-label': 'Dismiss' }}>
      <Stack gap="sm">
        <Group>
          <Button variant="default" onClick={() => choose.mutate()} loading={choose.isPending} disabled={running}>
            Choose file…
          </Button>
          <Text size="sm" data-testid="import-file">
            {file ? file.displayName : 'A CSV or XLSX export from your LMS or HR system.'}
          </Text>
        </Group>
        {preview.isError && (
          <Alert color="red" role="alert" title="This file cannot be imported">
            {preview.error.message}
          </Alert>
        )}
        {preview.data && <PreviewTable preview={preview.data} map={map} onMap={(header, field) => setMap({ ...map, [header]: field })} />}
        {preview.data && (
          <Group gap="lg" align="flex-end">
            <div>
              <Text size="sm" fw={500} mb={4}>
                This file holds
              </Text>
              <SegmentedControl
                value={effectiveKind ?? ''}
                onChange={(value) => {
                  setKind(value as Kind);
                  setMap({});
                }}
                data={[
                  { value: 'roster', label: 'People (roster)' },
                  { value: 'completions', label: 'Completions' },
                  { value: 'certifications', label: 'Certifications' },
                ]}
                disabled={running}
              />
            </div>
            <NativeSelect
              label="Slash dates"
              value={dateFormat}
              onChange={(e) => setDateFormat(e.currentTarget.value as DateFormat)}
              data={[
                { value: '', label: 'Decide from the file' },
                { value: 'dd/mm/yyyy', label: 'Day first (dd/mm/yyyy)' },
                { value: 'mm/dd/yyyy', label: 'Month first (mm/dd/yyyy)' },
              ]}
              disabled={running}
            />
            <Checkbox
              label="Import the valid rows and skip the rest"
              checked={skipInvalid}
              onChange={(e) => setSkipInvalid(e.currentTarget.checked)}
              disabled={running}
            />
          </Group>
        )}
        {running && (
          <Stack gap={4} role="status">
            <Progress value={100} animated striped aria-label="Import in progress" />
            <Group justify="space-between">
              <Text size="sm">{`${(status.data?.rows ?? 0).toLocaleString('en')} rows processed…`}</Text>
              <Button size="xs" variant="default" onClick={() => cancel.mutate()}>
                Cancel
              </Button>
            </Group>
          </Stack>
        )}
        {status.data?.state === 'failed' && (
          <Alert color="red" role="alert" title="Nothing was imported">
            {status.data.error?.message}
          </Alert>
        )}
        {start.isError && (
          <Alert color="red" role="alert">
            {start.error.message}
          </Alert>
        )}
        {result && <ResultPanel result={result} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={running}>
            {result?.committed ? 'Done' : 'Cancel'}
          </Button>
          <Button variant="default" onClick={() => start.mutate(true)} disabled={!preview.data || !effectiveKind || running}>
            Check
          </Button>
          <Button onClick={() => start.mutate(false)} disabled={!preview.data || !effectiveKind || running || result?.committed === true}>
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function PreviewTable({ preview, map, onMap }: { preview: Preview; map: Record<string, string>; onMap: (header: string, field: string) => void }) {
  return (
    <Stack gap={4}>
      <Text size="xs" c="gray.7">
        {preview.format.toUpperCase()}
        {preview.encoding ? ` · ${preview.encoding}` : ''}
        {preview.delimiter ? ` · delimiter ${JSON.stringify(preview.delimiter)}` : ''}
        {preview.sheet ? ` · sheet "${preview.sheet}"` : ''}
        {preview.warnings.length ? ` · ${preview.warnings.join('; ')}` : ''}
      </Text>
      <ScrollArea>
        <Table withTableBorder withColumnBorders fz="xs" data-testid="import-preview">
          <Table.Thead>
            <Table.Tr>
              {preview.headers.map((header, i) => (
                // Wide enough to read the chosen field in full (Certification number vs Certification name).
                <Table.Th key={`${header}-${String(i)}`} miw={Math.max(140, 60 + 8 * fieldLabel(map[header] ?? preview.mapping[i] ?? 'ignore').length)}>
                  <Text size="xs" fw={700}>
                    {header}
                  </Text>
                  <NativeSelect
                    size="xs"
                    aria-label={`Field for column ${header}`}
                    value={map[header] ?? preview.mapping[i] ?? 'ignore'}
                    onChange={(e) => onMap(header, e.currentTarget.value)}
                    data={[{ value: 'ignore', label: '(ignore)' }, ...preview.fields.map((f) => ({ value: f, label: IMPORT_FIELD_LABELS[f] ?? f }))]}
                  />
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.sample.map((row, r) => (
              <Table.Tr key={r}>
                {row.map((cell, c) => (
                  <Table.Td key={c}>{cell ?? ''}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Stack>
  );
}

function ResultPanel({ result }: { result: NonNullable<ChannelOutput<'custodian:import.status'>['result']> }) {
  const title = result.cancelled
    ? 'Cancelled: nothing was changed'
    : result.committed
      ? 'Imported'
      : result.dryRun
        ? result.invalid
          ? 'Check found problems'
          : 'Check passed: nothing was changed yet'
        : 'Nothing was imported';
  return (
    <Alert color={result.committed ? 'teal' : result.invalid || result.cancelled ? 'orange' : 'blue'} title={title} data-testid="import-result">
      <Text size="sm">
        {`${result.rows.toLocaleString('en')} rows: ${String(result.inserted)} new, ${String(result.updated)} changed, ${String(result.unchanged)} unchanged, ${String(result.invalid)} invalid.`}
        {result.invalid > 0 && !result.committed ? ' Fix the rows below, or tick "Import the valid rows and skip the rest".' : ''}
      </Text>
      {result.warnings.map((warning) => (
        <Text size="sm" key={warning} data-testid="import-warning">
          Note: {warning}
        </Text>
      ))}
      {result.report.length > 0 && (
        <Table fz="xs" mt="xs" data-testid="import-report">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>Column</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Problem</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.report.slice(0, 100).map((entry, i) => (
              <Table.Tr key={i}>
                <Table.Td>{entry.row}</Table.Td>
                <Table.Td>{entry.column ?? ''}</Table.Td>
                <Table.Td>{entry.value ?? ''}</Table.Td>
                <Table.Td>{entry.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Alert>
  );
}
