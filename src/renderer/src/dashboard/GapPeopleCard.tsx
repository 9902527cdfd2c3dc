import { Alert, Button, Card, Center, Group, Loader, ScrollArea, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useNavigation } from '../navigation';
import { ExportCsvButton } from '../records/ExportCsvButton';
import type { EvidenceFilter } from '../navigation';
import { STATUS_LABELS } from '../../../shared/compliance/complianceStatus';
import type { ComplianceReport, DrillDown } from './complianceQueries';
import { useGapPeople } from './complianceQueries';
import { count, GAP_LABELS, plural } from './dashboardFormat';
import type { RequirementInfo } from './requirementInfo';

interface GapPeopleCardProps {
  gap: DrillDown | null;
  asOf: string;
  requirement: RequirementInfo | null;
  integrity: ComplianceReport['integrity'];
  onOpenPerson: (personId: string) => void;
}

/** The drill-down: who is behind one gap on the date (names masked by role in core). */
export function GapPeopleCard({ gap, asOf, requirement, integrity, onOpenPerson }: GapPeopleCardProps) {
  const drillable = gap !== null && gap.requirementId !== null;
  const people = useGapPeople(
    drillable ? { asOf, requirementId: gap.requirementId ?? '', kind: gap.kind, ...('unit' in gap ? { unit: gap.unit } : {}) } : null,
  );
  const navigation = useNavigation();
  const title = requirement?.title ?? gap?.requirementId ?? 'Audit log';
  // Evidence gaps lead to the evidence behind them: unreviewed or rejected files, or the trainings that have none.
  const evidenceView: EvidenceFilter | null =
    gap === null || gap.requirementId === null
      ? null
      : gap.kind === 'evidence_unreviewed'
        ? { view: 'list', state: 'pending', requirementId: gap.requirementId }
        : gap.kind === 'evidence_rejected'
          ? { view: 'list', state: 'rejected', requirementId: gap.requirementId }
          : gap.kind === 'missing_evidence'
            ? { view: 'missing', requirementId: gap.requirementId }
            : null;
  const heading =
    gap === null ? 'People behind a gap' : gap.kind === 'not_current' ? `${title}, ${gap.unit}: not current` : `${title}: ${GAP_LABELS[gap.kind]}`;

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="gap-people-title" id="gap-people" h="100%">
      <Group justify="space-between" mb={4} wrap="nowrap" align="flex-start">
        <Title order={2} size="h5" id="gap-people-title">
          {heading}
        </Title>
        <Group gap={6} wrap="nowrap">
          {drillable && gap.kind !== 'log_integrity' && (
            <ExportCsvButton
              suggestedName="gap-people.csv"
              list={{ list: 'gap', asOf, requirementId: gap.requirementId ?? '', kind: gap.kind, ...('unit' in gap ? { unit: gap.unit } : {}) }}
            />
          )}
          {evidenceView && (
            <Button size="compact-xs" variant="light" onClick={() => navigation.go('evidence', evidenceView)}>
              Open in Evidence
            </Button>
          )}
        </Group>
      </Group>
      {gap === null && (
        <Text size="sm" c="gray.7">
          Choose a gap on the left to list the people behind it, then a person to open their records.
        </Text>
      )}
      {gap?.kind === 'log_integrity' && (
        <Text size="sm">
          The audit log does not verify{integrity.reason ? `: ${integrity.reason}` : ''}. Open Audit log and verify it to find the first bad entry; the score
          cannot earn its log-integrity points until the log verifies.
        </Text>
      )}
      {drillable && people.isPending && (
        <Center h={120}>
          <Loader size="sm" aria-label="Listing the people" />
        </Center>
      )}
      {people.isError && (
        <Alert color="red" role="alert">
          {people.error.message}
        </Alert>
      )}
      {drillable && people.data && (
        <>
          <Text size="xs" c="gray.7" mb={6} role="status" data-testid="gap-people-total">
            {people.data.total > people.data.people.length
              ? `${count(people.data.total)} people on ${asOf}; the first ${count(people.data.people.length)} are listed.`
              : `${plural(people.data.total, 'person', 'people')} on ${asOf}.`}
          </Text>
          <ScrollArea.Autosize mah={470} type="auto" scrollbars="y" offsetScrollbars="y">
            <Table fz="sm" verticalSpacing={3} highlightOnHover stickyHeader aria-labelledby="gap-people-title" data-testid="gap-people-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="32%">Person</Table.Th>
                  <Table.Th w="30%">Unit</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Due</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {people.data.people.map((p) => (
                  <Table.Tr key={p.personId} onClick={() => onOpenPerson(p.personId)} style={{ cursor: 'pointer' }}>
                    <Table.Td>
                      <UnstyledButton
                        fz="sm"
                        td="underline"
                        onClick={(e) => {
                          e.stopPropagation();
                          onOpenPerson(p.personId);
                        }}
                      >
                        {p.name}
                      </UnstyledButton>
                      <Text size="xs" c="gray.7">
                        {p.employeeId ?? 'no employee ID'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{p.unit ?? '—'}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{STATUS_LABELS[p.status]}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{p.dueOn ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </>
      )}
    </Card>
  );
}
