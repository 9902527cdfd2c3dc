import { BarChart } from '@mantine/charts';
import { Card, Paper, Table, Text, Title } from '@mantine/core';
import type { ComplianceReport, Readiness } from './complianceQueries';
import { COMPONENT_EXPLAINS, count, percent, points } from './dashboardFormat';

type Component = Readiness['components'][number];

interface Bar {
  component: string;
  Earned: number;
  'Not earned': number;
  source: Component;
}

function ComponentTooltip({ payload }: { payload?: readonly { payload?: Bar }[] }) {
  const bar = payload?.[0]?.payload;
  if (!bar) return null;
  const c = bar.source;
  return (
    <Paper withBorder shadow="sm" p="xs" maw={280}>
      <Text size="sm" fw={600}>
        {c.label}: {points(c.contribution)} of {String(c.weight)} points
      </Text>
      <Text size="xs" c="gray.7">
        {c.value === null
          ? 'Nothing to measure, so no points: not measured.'
          : `${percent(c.value)} (${count(c.met)} of ${count(c.measured)}): ${COMPONENT_EXPLAINS[c.id]}.`}
      </Text>
    </Paper>
  );
}

/** What the integrity component checked: the quick head check or a full pass; anchored or not. */
export function integrityCheckText(integrity: ComplianceReport['integrity']): string {
  const how = integrity.full ? 'Verified in full this session' : 'Quick check of the log head (Audit log › Verify the log checks every entry)';
  return integrity.anchored
    ? `${how}, from the genesis fingerprint kept on this computer.`
    : `${how}; internal consistency only: no genesis fingerprint is kept on this computer.`;
}

/** Each component's contribution against its weight, as bars and as a table that explains them. */
export function ComponentsCard({ readiness, integrity }: { readiness: Readiness; integrity: ComplianceReport['integrity'] }) {
  const data: Bar[] = readiness.components.map((c) => ({
    component: c.label,
    Earned: c.contribution,
    'Not earned': Math.max(0, Math.round((c.weight - c.contribution) * 10) / 10),
    source: c,
  }));
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="components-title" h="100%">
      <Title order={2} size="h5" id="components-title">
        What the score is made of
      </Title>
      <Text size="xs" c="gray.7" mb="xs">
        Each component earns up to its weight in points; the bar shows how much of it is earned.
      </Text>
      <div data-testid="components-chart" aria-hidden>
        <BarChart
          h={186}
          data={data}
          dataKey="component"
          orientation="vertical"
          type="stacked"
          series={[
            { name: 'Earned', color: 'indigo.6' },
            { name: 'Not earned', color: 'gray.3' },
          ]}
          yAxisProps={{ width: 160, interval: 0 }}
          xAxisProps={{ domain: [0, 25], ticks: [0, 5, 10, 15, 20, 25] }}
          gridAxis="x"
          maxBarWidth={18}
          withLegend={false}
          accessibilityLayer={false}
          barProps={{ isAnimationActive: false }}
          tooltipProps={{ content: ({ payload }) => <ComponentTooltip payload={payload} /> }}
        />
      </div>
      <Table fz="sm" verticalSpacing={4} mt="xs" aria-label="Score components" data-testid="components-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Component</Table.Th>
            <Table.Th ta="right">Met</Table.Th>
            <Table.Th ta="right">Share</Table.Th>
            <Table.Th ta="right">Points</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {readiness.components.map((c) => (
            <Table.Tr key={c.id} data-testid={`component-${c.id}`}>
              <Table.Td>
                <Text size="sm" fw={500} span>
                  {c.label}
                </Text>
                <Text size="xs" c="gray.7">
                  {COMPONENT_EXPLAINS[c.id]}
                </Text>
                {c.id === 'integrity' && (
                  <Text size="xs" c="gray.7" data-testid="integrity-check">
                    {integrityCheckText(integrity)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {c.measured === 0 ? 'nothing to measure' : `${count(c.met)} of ${count(c.measured)}`}
              </Table.Td>
              <Table.Td ta="right" data-testid="component-share">
                {percent(c.value)}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                <span data-testid="component-contribution">{points(c.contribution)}</span>
                <Text span size="xs" c="gray.7">
                  {' '}
                  / {String(c.weight)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
