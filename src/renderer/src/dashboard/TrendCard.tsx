import { LineChart } from '@mantine/charts';
import type { LineChartSeries } from '@mantine/charts';
import { Alert, Card, Center, Loader, Text, Title } from '@mantine/core';
import type { TrendPoint } from './complianceQueries';
import { points as formatPoints, seriesColor } from './dashboardFormat';

const OVERALL = 'Overall';

/** Every 10 points from `low` to 100. */
const ticks = (low: number) => Array.from({ length: (100 - low) / 10 + 1 }, (_, i) => low + i * 10);

function axisLabel(day: string, last: boolean): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (last) return date.toLocaleDateString('en', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${date.toLocaleDateString('en', { month: 'short', timeZone: 'UTC' })} '${day.slice(2, 4)}`;
}

interface TrendCardProps {
  points: readonly TrendPoint[] | undefined;
  frameworks: readonly { id: string; title: string }[];
  /** Null for Overall: every framework's line beside the overall one. */
  selected: string | null;
  error: Error | null;
}

const trendValue = (score: number | null) => (score === null ? 'no score' : formatPoints(score));

/** The score at each of the last twelve month-ends and on the date, computed point in time. */
export function TrendCard({ points, frameworks, selected, error }: TrendCardProps) {
  const series: LineChartSeries[] =
    selected === null
      ? [{ name: OVERALL, color: 'indigo.7' }, ...frameworks.map((f, i) => ({ name: f.id, label: f.title, color: seriesColor(i) }))]
      : [
          ...frameworks.flatMap((f, i) => (f.id === selected ? [{ name: f.id, label: f.title, color: seriesColor(i) }] : [])),
          { name: OVERALL, label: 'Overall (all frameworks)', color: 'gray.6' },
        ];
  // A month with no score (nothing measured) is left out of its line: a gap, not a zero.
  const data: Record<string, string | number>[] = (points ?? []).map((p, i, all) => {
    const row: Record<string, string | number> = { date: axisLabel(p.asOf, i === all.length - 1) };
    for (const [id, score] of Object.entries(p.frameworks)) if (score !== null) row[id] = score;
    if (p.overall !== null) row[OVERALL] = p.overall;
    return row;
  });
  const values = data.flatMap((d) => series.map((s) => d[s.name])).filter((v): v is number => typeof v === 'number');
  const low = values.length ? Math.max(0, Math.floor((Math.min(...values) - 5) / 10) * 10) : 0;
  const shown = series[0];
  const first = points?.[0];
  const last = points?.[points.length - 1];
  const valueOf = (p: TrendPoint) =>
    shown === undefined || shown.name === OVERALL ? p.overall : shown.name in p.frameworks ? (p.frameworks[shown.name] ?? null) : p.overall;

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="trend-title" h="100%">
      <Title order={2} size="h5" id="trend-title">
        Trend: last 12 months
      </Title>
      <Text size="xs" c="gray.7" mb="xs">
        The score at each month-end, recomputed from the records as they stand now.
      </Text>
      {error ? (
        <Alert color="red" role="alert">
          {error.message}
        </Alert>
      ) : !points ? (
        <Center h={300}>
          <Loader size="sm" aria-label="Computing the trend" />
        </Center>
      ) : (
        <>
          <div data-testid="trend-chart" aria-hidden>
            <LineChart
              h={300}
              data={data}
              dataKey="date"
              series={series}
              curveType="linear"
              yAxisProps={{ domain: [low, 100], ticks: ticks(low), tickFormatter: (v: number) => String(v), width: 32 }}
              valueFormatter={formatPoints}
              withLegend
              legendProps={{ position: 'bottom', height: 40 }}
              gridAxis="y"
              dotProps={{ r: 2 }}
              accessibilityLayer={false}
              lineProps={(s) => ({ isAnimationActive: false, ...(selected !== null && s.name === OVERALL ? { strokeDasharray: '5 4' } : {}) })}
              strokeWidth={2}
            />
          </div>
          {first && last && (
            <Text size="xs" c="gray.7" data-testid="trend-summary">
              {shown?.label ?? OVERALL}: {trendValue(valueOf(first))} on {first.asOf}, {trendValue(valueOf(last))} on {last.asOf}.
            </Text>
          )}
        </>
      )}
    </Card>
  );
}
