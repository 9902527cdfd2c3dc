import { Button, Card, ColorSwatch, Group, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import type { DrillDown, Gap } from './complianceQueries';
import { count, GAP_LABELS, points, shortFramework } from './dashboardFormat';
import type { RequirementInfo } from './requirementInfo';
import { ExportCsvButton } from '../records/ExportCsvButton';

const SHOWN = 8;

/** Gaps where the training itself is missing or lapsed (the others are about evidence). */
const SEVERE: ReadonlySet<Gap['kind']> = new Set(['log_integrity', 'expired', 'never_trained', 'failed']);

export const gapKey = (gap: DrillDown) => `${gap.requirementId ?? 'log'}|${gap.kind}${'unit' in gap ? `|${gap.unit}` : ''}`;

interface GapsCardProps {
  gaps: readonly Gap[];
  requirements: ReadonlyMap<string, RequirementInfo>;
  selected: string | null;
  onSelect: (gap: Gap) => void;
  /** Whether anything was measured: no gaps in an empty vault is not "every requirement is met". */
  measured: boolean;
  /** The date and framework shown, for Export CSV…. */
  asOf: string;
  frameworkId: string | null;
}

/** The gaps that cost the most points, costliest first; each opens the people behind it. */
export function GapsCard({ gaps, requirements, selected, onSelect, measured, asOf, frameworkId }: GapsCardProps) {
  const [all, setAll] = useState(false);
  const shown = all ? gaps : gaps.slice(0, SHOWN);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="gaps-title" h="100%">
      <Group justify="space-between" mb="xs">
        <div>
          <Title order={2} size="h5" id="gaps-title">
            Top gaps
          </Title>
          <Text size="xs" c="gray.7">
            Points the score would gain if everyone behind a gap were put right. Choose one to see who.
          </Text>
        </div>
      </Group>
      {gaps.length === 0 ? (
        <Text size="sm" c="gray.7">
          {measured ? 'No gaps on this date: every requirement is met, with its evidence.' : 'Nothing measured on this date, so no gaps can be found yet.'}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4} highlightOnHover aria-labelledby="gaps-title" data-testid="gaps-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="46%">Requirement</Table.Th>
              <Table.Th>Gap</Table.Th>
              <Table.Th ta="right">People</Table.Th>
              <Table.Th ta="right">Points lost</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((gap) => {
              const key = gapKey(gap);
              const requirement = gap.requirementId === null ? null : requirements.get(gap.requirementId);
              const title = gap.requirementId === null ? 'Audit log' : (requirement?.title ?? gap.requirementId);
              const active = key === selected;
              return (
                <Table.Tr
                  key={key}
                  onClick={() => onSelect(gap)}
                  style={{ cursor: 'pointer', ...(active ? { backgroundColor: 'var(--mantine-primary-color-light)' } : {}) }}
                  data-testid="gap-row"
                >
                  <Table.Td>
                    <UnstyledButton
                      display="block"
                      w="100%"
                      onClick={(e) => {
                        e.stopPropagation();
                        onSelect(gap);
                      }}
                      aria-pressed={active}
                      aria-controls="gap-people"
                    >
                      <Text size="sm" fw={500} span>
                        {title}
                      </Text>
                      {requirement && (
                        <Text size="xs" c="gray.7">
                          {shortFramework(requirement.frameworkTitle)}
                          {requirement.clause ? ` · ${requirement.clause}` : ''}
                        </Text>
                      )}
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" align="center">
                      <ColorSwatch
                        size={8}
                        color={`var(--mantine-color-${SEVERE.has(gap.kind) ? 'red-7' : 'orange-5'})`}
                        withShadow={false}
                        style={{ flexShrink: 0 }}
                      />
                      <Text size="sm">{GAP_LABELS[gap.kind]}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right">{gap.kind === 'log_integrity' ? '—' : count(gap.people)}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    −{points(gap.points)}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="space-between" mt={6} wrap="nowrap">
        {gaps.length > SHOWN ? (
          <Button variant="subtle" size="compact-sm" onClick={() => setAll((a) => !a)}>
            {all ? `Show the top ${String(SHOWN)}` : `Show all ${String(gaps.length)} gaps`}
          </Button>
        ) : (
          <span />
        )}
        {gaps.length > 0 && <ExportCsvButton suggestedName="gaps.csv" list={{ list: 'gaps', asOf, ...(frameworkId ? { frameworkId } : {}) }} />}
      </Group>
    </Card>
  );
}
