import { Alert, Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import { STATUS_LABELS } from '../../../shared/compliance/complianceStatus';
import type { ChannelOutput } from '../../../shared/ipc/contract';
import { VirtualTable } from '../records/VirtualTable';
import type { Column } from '../records/VirtualTable';
import { formatBytes } from './packetFormat';

type Preview = ChannelOutput<'custodian:packet.preview'>;
type Exception = Preview['exceptions'][number];

const NO_SORT = { key: '', dir: 'asc' as const };
const EXCEPTION_COLUMNS: Column<Exception>[] = [
  { id: 'requirement', header: 'Requirement', width: '1.3fr', cell: (e) => e.requirementId },
  { id: 'person', header: 'Person', width: '1fr', cell: (e) => e.person },
  { id: 'unit', header: 'Unit', width: '1.3fr', cell: (e) => e.unit ?? '' },
  { id: 'role', header: 'Role', width: '1.3fr', cell: (e) => e.role ?? '' },
  {
    id: 'status',
    header: 'Status',
    width: '1fr',
    cell: (e) => (
      <Badge variant="light" color="red" size="sm">
        {STATUS_LABELS[e.status]}
      </Badge>
    ),
  },
  { id: 'due', header: 'Due on', width: '0.8fr', cell: (e) => e.dueOn ?? '' },
];

/** The first eight file names, and how many more. */
function names(files: readonly { fileName: string }[]): string {
  const shown = files.slice(0, 8).map((e) => e.fileName);
  return `${shown.join('; ')}${files.length > 8 ? `; and ${String(files.length - 8)} more` : ''}`;
}

/** What a build would hold: the sample per requirement, every exception, evidence, requests. */
export function PacketPreview({ preview }: { preview: Preview }) {
  const unanswered = preview.requests?.filter((r) => !r.answered) ?? [];
  const withheld = preview.unredacted.filter((e) => e.withheld);
  const asIs = preview.unredacted.filter((e) => !e.withheld);
  return (
    <Stack gap="md" data-testid="packet-preview">
      <Group gap="lg">
        <Text size="sm">
          <b>{preview.requirements.length}</b> requirement(s)
        </Text>
        <Text size="sm" data-testid="preview-exception-count">
          <b>{preview.exceptionCount}</b> exception(s)
        </Text>
        <Text size="sm">
          <b>{preview.evidence}</b> evidence file(s), {formatBytes(preview.evidenceBytes)}
        </Text>
        <Text size="sm">audit log checkpoint {preview.checkpointSize}</Text>
      </Group>
      {withheld.length > 0 && (
        <Alert color="yellow" title={`${String(withheld.length)} evidence file(s) withheld: no redacted version`} data-testid="preview-withheld">
          {names(withheld)}. They are listed in the packet as withheld. Redact them in the evidence viewer to include them, or include them as they are (in the
          form above) if this audience may see everything they show.
        </Alert>
      )}
      {asIs.length > 0 && (
        <Alert color="yellow" title={`${String(asIs.length)} evidence file(s) go in unredacted`}>
          No redacted version exists for: {names(asIs)}. Redact them in the evidence viewer first if they show more than this audience may see.
        </Alert>
      )}
      {unanswered.length > 0 && (
        <Alert color="orange" title={`${String(unanswered.length)} request(s) nothing in this packet answers`} data-testid="preview-unanswered">
          {unanswered.map((r) => `${r.requestId}${r.unmatched.length ? ` (codes ${r.unmatched.join(', ')})` : ''}`).join('; ')}. They are listed as UNANSWERED
          in the packet, never dropped.
        </Alert>
      )}
      <section aria-labelledby="preview-sample">
        <Title order={2} size="h5" id="preview-sample" mb={4}>
          Sample
        </Title>
        <Table striped withTableBorder aria-labelledby="preview-sample" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Requirement</Table.Th>
              <Table.Th ta="right">Population</Table.Th>
              <Table.Th ta="right">Asked</Table.Th>
              <Table.Th ta="right">Picked</Table.Th>
              <Table.Th ta="right">Exceptions</Table.Th>
              <Table.Th>People picked</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.requirements.map((r) => (
              <Table.Tr key={r.requirementId}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {r.clause ?? r.requirementId}
                  </Text>
                  <Text size="xs" c="gray.7">
                    {r.title}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{r.population}</Table.Td>
                <Table.Td ta="right">{r.asked}</Table.Td>
                <Table.Td ta="right">{r.picked.length}</Table.Td>
                <Table.Td ta="right">{r.exceptions}</Table.Td>
                <Table.Td>
                  <Text size="xs" style={{ fontFamily: 'monospace' }} lineClamp={2}>
                    {r.picked.join(', ')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>
      <section aria-labelledby="preview-exceptions">
        <Title order={2} size="h5" id="preview-exceptions" mb={4}>
          Exceptions ({preview.exceptionCount}
          {preview.exceptionCount > preview.exceptions.length ? `; the first ${String(preview.exceptions.length)} shown, every one is in the packet` : ''})
        </Title>
        <VirtualTable
          label="Exceptions"
          columns={EXCEPTION_COLUMNS}
          total={preview.exceptions.length}
          rowAt={(i) => preview.exceptions[i]}
          sort={NO_SORT}
          onSort={() => undefined}
          onVisibleChange={() => undefined}
          height={Math.min(420, 40 + 34 * Math.max(3, preview.exceptions.length))}
          empty={<Text size="sm">No exceptions: everyone in scope is compliant or due soon.</Text>}
        />
      </section>
    </Stack>
  );
}
