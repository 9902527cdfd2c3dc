import { Button, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ComplianceReport } from './complianceQueries';
import { count, daysBetween, shortFramework } from './dashboardFormat';
import type { RequirementInfo } from './requirementInfo';

const LISTED = 6;

interface ExpiriesCardProps {
  expiries: ComplianceReport['expiries'];
  asOf: string;
  requirements: ReadonlyMap<string, RequirementInfo>;
  onOpenPerson: (personId: string) => void;
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

/** Current trainings falling due: how many within 30, 60 and 90 days, and the soonest. */
export function ExpiriesCard({ expiries, asOf, requirements, onOpenPerson }: ExpiriesCardProps) {
  const soonest = expiries.soonest.slice(0, LISTED);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="expiries-title" h="100%">
      <Title order={2} size="h5" id="expiries-title">
        Falling due
      </Title>
      <Text size="xs" c="gray.7" mb="xs">
        Current trainings that lapse unless renewed, counted from {asOf}.
      </Text>
      <SimpleGrid cols={3} spacing="xs" mb="sm">
        <Stat label="within 30 days" value={expiries.within30} testId="due-30" />
        <Stat label="within 60 days" value={expiries.within60} testId="due-60" />
        <Stat label="within 90 days" value={expiries.within90} testId="due-90" />
      </SimpleGrid>
      {soonest.length === 0 ? (
        <Text size="sm" c="gray.7">
          Nothing falls due in the next 90 days.
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={3} aria-label="Soonest to fall due" data-testid="expiries-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Due</Table.Th>
              <Table.Th>Requirement</Table.Th>
              <Table.Th>Person</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {soonest.map((e, i) => {
              const r = requirements.get(e.requirementId);
              const days = daysBetween(asOf, e.dueOn);
              return (
                <Table.Tr key={`${e.personId}|${e.requirementId}|${String(i)}`}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {e.dueOn}
                    <Text size="xs" c="gray.7">
                      {days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${String(days)} days`}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 0, width: '100%' }}>
                    <Text size="sm" truncate title={r?.title ?? e.requirementId}>
                      {r?.title ?? e.requirementId}
                    </Text>
                    {r && (
                      <Text size="xs" c="gray.7">
                        {shortFramework(r.frameworkTitle)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="default" onClick={() => onOpenPerson(e.personId)} aria-label={`Open the person due ${e.dueOn} for ${r?.title ?? e.requirementId}`}>
                      Open…
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {expiries.within90 > soonest.length && soonest.length > 0 && (
        <Text size="xs" c="gray.7" mt={4}>
          The {String(soonest.length)} soonest of {count(expiries.within90)} are listed.
        </Text>
      )}
    </Card>
  );
}
