import { Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ExportCsvButton } from '../records/ExportCsvButton';
import type { ComplianceReport } from './complianceQueries';
import { count, daysBetween, shortFramework } from './dashboardFormat';
import type { RequirementInfo } from './requirementInfo';

const LISTED = 6;

interface ExpiriesCardProps {
  expiries: ComplianceReport['expiries'];
  certifications: ComplianceReport['certificationExpiries'];
  asOf: string;
  /** The framework shown, for Export CSV…. */
  frameworkId: string | null;
  requirements: ReadonlyMap<string, RequirementInfo>;
  onOpenPerson: (personId: string) => void;
}

/** One thing falling due, whatever it is: a training for a requirement, or a card. */
interface DueRow {
  key: string;
  personId: string;
  person: string;
  dueOn: string;
  what: string;
  detail: string;
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Stack gap={0}>
      <Text fz={24} fw={700} lh={1.2} data-testid={testId}>
        {count(value)}
      </Text>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
    </Stack>
  );
}

function DueTable({
  rows,
  asOf,
  whatHeader,
  label,
  onOpenPerson,
}: {
  rows: readonly DueRow[];
  asOf: string;
  whatHeader: string;
  label: string;
  onOpenPerson: (personId: string) => void;
}) {
  return (
    <Table fz="sm" verticalSpacing={3} aria-label={label} data-testid="expiries-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Due</Table.Th>
          <Table.Th>{whatHeader}</Table.Th>
          <Table.Th>Person</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => {
          const days = daysBetween(asOf, row.dueOn);
          return (
            <Table.Tr key={row.key}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {row.dueOn}
                <Text size="xs" c="gray.7">
                  {days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${String(days)} days`}
                </Text>
              </Table.Td>
              <Table.Td style={{ maxWidth: 0, width: '100%' }}>
                <Text size="sm" truncate title={row.what}>
                  {row.what}
                </Text>
                <Text size="xs" c="gray.7" truncate>
                  {row.detail}
                </Text>
              </Table.Td>
              <Table.Td>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  onClick={() => onOpenPerson(row.personId)}
                  aria-label={`Open ${row.person}, whose ${row.what} is due ${row.dueOn}`}
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {row.person}
                </Button>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** What lapses unless renewed: trainings for the requirements counted, and certification cards. */
export function ExpiriesCard({ expiries, certifications, asOf, frameworkId, requirements, onOpenPerson }: ExpiriesCardProps) {
  const [kind, setKind] = useState<'training' | 'cards'>('training');
  const counts = kind === 'training' ? expiries : certifications;
  const rows: DueRow[] =
    kind === 'training'
      ? expiries.soonest.slice(0, LISTED).map((e, i) => {
          const r = requirements.get(e.requirementId);
          return {
            key: `${e.personId}|${e.requirementId}|${String(i)}`,
            personId: e.personId,
            person: e.person,
            dueOn: e.dueOn,
            what: r?.title ?? e.requirementId,
            detail: r ? shortFramework(r.frameworkTitle) : '',
          };
        })
      : certifications.soonest.slice(0, LISTED).map((c, i) => ({
          key: `${c.personId}|${c.name}|${String(i)}`,
          personId: c.personId,
          person: c.person,
          dueOn: c.expiresOn,
          what: c.name,
          detail: 'certification',
        }));

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="expiries-title" h="100%">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Title order={2} size="h5" id="expiries-title">
          Falling due
        </Title>
        <SegmentedControl
          size="xs"
          value={kind}
          onChange={(value) => setKind(value === 'cards' ? 'cards' : 'training')}
          data={[
            { value: 'training', label: 'Training' },
            { value: 'cards', label: 'Certifications' },
          ]}
          aria-label="What falls due"
        />
      </Group>
      <Text size="xs" c="gray.7" mb="xs">
        {kind === 'training' ? 'Current trainings that lapse unless renewed' : "Employed people's latest cards and licences that expire"}, counted from {asOf}.
      </Text>
      <SimpleGrid cols={3} spacing="xs" mb="sm">
        <Stat label="within 30 days" value={counts.within30} testId="due-30" />
        <Stat label="within 60 days" value={counts.within60} testId="due-60" />
        <Stat label="within 90 days" value={counts.within90} testId="due-90" />
      </SimpleGrid>
      {rows.length === 0 ? (
        <Text size="sm" c="gray.7">
          Nothing falls due in the next 90 days.
        </Text>
      ) : (
        <DueTable
          rows={rows}
          asOf={asOf}
          whatHeader={kind === 'training' ? 'Requirement' : 'Certification'}
          label={kind === 'training' ? 'Trainings soonest to fall due' : 'Certifications soonest to expire'}
          onOpenPerson={onOpenPerson}
        />
      )}
      <Group justify="space-between" mt={4} wrap="nowrap">
        <Text size="xs" c="gray.7">
          {counts.within90 > rows.length && rows.length > 0
            ? `The ${String(rows.length)} soonest of ${count(counts.within90)} are listed; the export holds up to 200.`
            : ''}
        </Text>
        {rows.length > 0 && (
          <ExportCsvButton
            suggestedName={kind === 'training' ? 'trainings-falling-due.csv' : 'certifications-expiring.csv'}
            list={{ list: 'expiries', asOf, kind: kind === 'training' ? 'training' : 'certification', ...(frameworkId ? { frameworkId } : {}) }}
          />
        )}
      </Group>
    </Card>
  );
}
