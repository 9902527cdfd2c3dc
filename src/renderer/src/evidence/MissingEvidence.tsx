import { Alert, Button, Group, Loader, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { ExportCsvButton } from '../records/ExportCsvButton';
import { useState } from 'react';
import { STATUS_LABELS } from '../../../shared/compliance/complianceStatus';
import { useGapPeople } from '../dashboard/complianceQueries';
import type { RequirementInfo } from '../dashboard/requirementInfo';
import type { AddTarget } from './AddEvidenceModal';

/**
 * Trainings that need evidence and have none: per requirement, the people whose current
 * training lacks the evidence their requirement asks for, each with "Add evidence…" linked to
 * that training.
 */
export function MissingEvidence({
  requirements,
  asOf,
  onAdd,
  initialRequirement,
}: {
  requirements: readonly RequirementInfo[];
  asOf: string;
  onAdd: (target: AddTarget) => void;
  initialRequirement: string;
}) {
  const [requirementId, setRequirementId] = useState(initialRequirement || (requirements[0]?.requirementId ?? ''));
  const chosen = requirementId || (requirements[0]?.requirementId ?? '');
  const people = useGapPeople(chosen ? { asOf, requirementId: chosen, kind: 'missing_evidence' } : null);
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <NativeSelect
          size="xs"
          w={360}
          label="Requirement"
          value={chosen}
          onChange={(e) => setRequirementId(e.currentTarget.value)}
          data={requirements.map((r) => ({ value: r.requirementId, label: `${r.title} (${r.frameworkTitle})` }))}
        />
        {chosen && <ExportCsvButton suggestedName="missing-evidence.csv" list={{ list: 'gap', asOf, requirementId: chosen, kind: 'missing_evidence' }} />}
      </Group>
      {people.isPending && chosen && <Loader size="sm" aria-label="Listing trainings without evidence" />}
      {people.isError && (
        <Alert color="red" role="alert">
          {people.error.message}
        </Alert>
      )}
      {people.data && (
        <>
          <Text size="sm" role="status" data-testid="missing-total">
            {people.data.total === 0
              ? `Every current training for this requirement has its evidence on ${asOf} (or the requirement asks for none).`
              : `${people.data.total.toLocaleString('en')} current training(s) without the evidence this requirement asks for, on ${asOf}.`}
          </Text>
          {people.data.total > 0 && (
            <Table striped withTableBorder fz="sm" data-testid="missing-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Person</Table.Th>
                  <Table.Th>Unit</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {people.data.people.map((p) => (
                  <Table.Tr key={p.personId}>
                    <Table.Td>
                      {p.name}
                      <Text size="xs" c="gray.7">
                        {p.employeeId ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{p.unit ?? '—'}</Table.Td>
                    <Table.Td>{STATUS_LABELS[p.status]}</Table.Td>
                    <Table.Td>{p.dueOn ?? '—'}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() =>
                          onAdd({ personId: p.personId, ...(p.completionId ? { completionId: p.completionId } : {}), label: `${p.name}, ${chosen}` })
                        }
                      >
                        Add evidence…
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}
