import { Card, Divider, Group, Progress, RingProgress, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import type { Readiness } from './complianceQueries';
import { whyNoScore } from '../../../shared/compliance/whyNoScore';
import { plural, points, scoreColor } from './dashboardFormat';

/** One line under the ring: a framework's score (Overall) or a requirement's share current. */
export interface BreakdownRow {
  key: string;
  label: string;
  /** 0-100; null for no score (drawn empty). */
  value: number | null;
  display: string;
  title?: string;
  onSelect?: () => void;
}

interface ScoreCardProps {
  title: string;
  readiness: Readiness;
  asOf: string;
  people: number;
  requirements: number;
  /** Framework packs enabled (for why there is no score). */
  frameworks: number;
  breakdownTitle: string;
  breakdown: readonly BreakdownRow[];
}

function Row({ row }: { row: BreakdownRow }) {
  const body = (
    <>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" truncate title={row.title ?? row.label}>
          {row.label}
        </Text>
        <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', flexShrink: 0 }}>
          {row.display}
        </Text>
      </Group>
      <Progress value={row.value ?? 0} size="sm" color={scoreColor(row.value ?? 0)} aria-hidden />
    </>
  );
  return row.onSelect ? (
    <UnstyledButton
      onClick={row.onSelect}
      display="block"
      w="100%"
      p={2}
      style={{ borderRadius: 4 }}
      aria-label={`${row.label}: ${row.display}; show this framework`}
    >
      {body}
    </UnstyledButton>
  ) : (
    <div style={{ padding: 2 }}>{body}</div>
  );
}

/** The Audit Readiness Score as a big number in a ring, what it covers, and its breakdown. */
export function ScoreCard({ title, readiness, asOf, people, requirements, frameworks, breakdownTitle, breakdown }: ScoreCardProps) {
  const score = readiness.score;
  const lost = readiness.gaps.reduce((sum, g) => sum + g.points, 0);
  // Points a part with nothing to measure does not earn: no gap explains them, so say so.
  const unmeasured = readiness.components.reduce((sum, c) => (c.value === null ? sum + c.weight : sum), 0);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="score-title" h="100%">
      <Title order={2} size="h5" id="score-title">
        Readiness score · {title}
      </Title>
      <Group gap="md" wrap="nowrap" mt="xs">
        <RingProgress
          size={140}
          thickness={12}
          roundCaps
          sections={score === null ? [] : [{ value: score, color: scoreColor(score) }]}
          rootColor="var(--mantine-color-gray-2)"
          label={
            <Stack gap={0} align="center">
              <Text fz={34} fw={700} lh={1.1} data-testid="score-value">
                {points(score)}
              </Text>
              <Text size="xs" c="gray.7">
                {score === null ? 'no score' : 'of 100'}
              </Text>
            </Stack>
          }
        />
        <Stack gap={4}>
          <Text size="sm">
            As of <b data-testid="score-as-of">{asOf}</b>
          </Text>
          <Text size="sm" c="gray.7">
            {plural(people, 'person', 'people')} on file
          </Text>
          <Text size="sm" c="gray.7">
            {plural(requirements, 'requirement')} counted
          </Text>
          <Text size="sm" c="gray.7">
            {score === null
              ? 'Nothing measured yet'
              : readiness.gaps.length === 0
                ? 'No gaps'
                : `${plural(readiness.gaps.length, 'gap')}: −${points(lost)} points`}
            {score !== null && unmeasured > 0 && <span data-testid="score-unmeasured">{`; ${String(unmeasured)} points not measured`}</span>}
          </Text>
          {readiness.inGrace > 0 && (
            <Text size="sm" c="gray.7" data-testid="score-in-grace">
              {`${plural(readiness.inGrace, 'training')} within onboarding grace, not yet counted`}
            </Text>
          )}
        </Stack>
      </Group>
      {score === null && (
        <Text size="sm" fw={500} mt="sm" data-testid="no-score">
          {whyNoScore(people, frameworks, 'app')}
        </Text>
      )}
      {breakdown.length > 0 && (
        <>
          <Divider my="sm" />
          <Text size="xs" fw={600} c="gray.7" tt="uppercase" mb={4}>
            {breakdownTitle}
          </Text>
          <Stack gap={6} data-testid="score-breakdown">
            {breakdown.map((row) => (
              <Row key={row.key} row={row} />
            ))}
          </Stack>
        </>
      )}
    </Card>
  );
}
