import type { CSSProperties } from 'react';
import { Box, Card, Group, Text, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { ComplianceReport } from './complianceQueries';
import { HEAT_BANDS, heatBand, shortFramework, wholePercent } from './dashboardFormat';
import type { RequirementInfo } from './requirementInfo';

type Heatmap = ComplianceReport['heatmap'];

const CELL: CSSProperties = {
  textAlign: 'center',
  color: 'var(--mantine-color-black)',
  fontVariantNumeric: 'tabular-nums',
  borderRadius: 2,
  padding: '5px 2px',
};
const EMPTY: CSSProperties = { background: 'repeating-linear-gradient(135deg, transparent 0 5px, var(--mantine-color-gray-2) 5px 6px)', borderRadius: 2 };
const SWATCH: CSSProperties = {
  display: 'inline-block',
  width: 14,
  height: 14,
  borderRadius: 2,
  border: '1px solid var(--mantine-color-gray-5)',
  verticalAlign: 'middle',
};

/**
 * Units x requirements: the share of the people in scope whose training is current, printed in
 * each cell over a colour band. A hatched, empty cell means nobody in that unit is in scope.
 */
export function HeatmapCard({
  heatmap,
  requirementIds,
  requirements,
  onSelect,
}: {
  heatmap: Heatmap;
  requirementIds: readonly string[];
  requirements: ReadonlyMap<string, RequirementInfo>;
  /** A cell with people not current: list them (unit, requirement). */
  onSelect: (requirementId: string, unit: string, notCurrent: number) => void;
}) {
  const columns = requirementIds.filter((id) => heatmap.requirements.includes(id));
  const cells = new Map(heatmap.cells.map((c) => [`${c.unit}\u0000${c.requirementId}`, c]));
  const units = heatmap.units.filter((unit) => columns.some((id) => cells.has(`${unit}\u0000${id}`)));
  const width = 230 + columns.length * 110;

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="heatmap-title">
      <Group justify="space-between" align="flex-end" mb="xs" gap="xs">
        <div>
          <Title order={2} size="h5" id="heatmap-title">
            Current training by unit
          </Title>
          <Text size="xs" c="gray.7">
            Share of the people in scope whose training is current, per unit and requirement. Choose a cell to list who is not.
          </Text>
        </div>
        <Group gap="sm" aria-label="Colour key" role="group">
          {HEAT_BANDS.map((band) => (
            <Group key={band.label} gap={4} wrap="nowrap">
              <span style={{ ...SWATCH, background: band.background }} />
              <Text size="xs">{band.label}</Text>
            </Group>
          ))}
          <Group gap={4} wrap="nowrap">
            <span style={{ ...SWATCH, ...EMPTY }} />
            <Text size="xs">nobody in scope</Text>
          </Group>
        </Group>
      </Group>
      {units.length === 0 ? (
        <Text size="sm" c="gray.7">
          Nobody is in scope of these requirements on this date.
        </Text>
      ) : (
        <Box style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label="Heat map, scrolls sideways">
          <table
            data-testid="heatmap"
            aria-labelledby="heatmap-title"
            style={{ borderCollapse: 'separate', borderSpacing: 2, tableLayout: 'fixed', width, fontSize: 'var(--mantine-font-size-sm)' }}
          >
            <colgroup>
              <col style={{ width: 230 }} />
              {columns.map((id) => (
                <col key={id} style={{ width: 110 }} />
              ))}
            </colgroup>
            <thead>
              <tr>
                <th scope="col" style={{ textAlign: 'left', verticalAlign: 'bottom' }}>
                  <Text size="xs" c="gray.7" fw={600}>
                    Unit
                  </Text>
                </th>
                {columns.map((id) => {
                  const r = requirements.get(id);
                  return (
                    <th
                      key={id}
                      scope="col"
                      title={r ? `${r.title} (${r.frameworkTitle}${r.clause ? `, ${r.clause}` : ''})` : id}
                      style={{ verticalAlign: 'bottom', textAlign: 'center', padding: '0 2px 4px' }}
                    >
                      <Text size="xs" fw={600} lh={1.2} lineClamp={3}>
                        {r?.title ?? id}
                      </Text>
                      <Text size="xs" c="gray.7" lh={1.2} truncate>
                        {r ? shortFramework(r.frameworkTitle) : ''}
                      </Text>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {units.map((unit) => (
                <tr key={unit}>
                  <th scope="row" style={{ textAlign: 'left', fontWeight: 500, paddingRight: 8 }}>
                    <Text size="sm" truncate title={unit}>
                      {unit}
                    </Text>
                  </th>
                  {columns.map((id) => {
                    const cell = cells.get(`${unit}\u0000${id}`);
                    if (!cell || cell.applicable === 0) {
                      return (
                        <td key={id} style={EMPTY}>
                          <VisuallyHidden>nobody in scope</VisuallyHidden>
                        </td>
                      );
                    }
                    const detail = `${String(cell.current)} of ${String(cell.applicable)} current`;
                    const notCurrent = cell.applicable - cell.current;
                    return (
                      <td
                        key={id}
                        style={{ ...CELL, background: heatBand(cell.current / cell.applicable).background, padding: 0 }}
                        title={detail}
                        data-testid="heat-cell"
                      >
                        {notCurrent > 0 ? (
                          <UnstyledButton
                            w="100%"
                            fz="sm"
                            style={{ padding: '5px 2px', textAlign: 'center', fontVariantNumeric: 'tabular-nums' }}
                            onClick={() => onSelect(id, unit, notCurrent)}
                            aria-label={`${unit}, ${requirements.get(id)?.title ?? id}: ${detail}; list the ${String(notCurrent)} not current`}
                          >
                            {wholePercent(cell.current, cell.applicable)}
                            <VisuallyHidden>, {detail}</VisuallyHidden>
                          </UnstyledButton>
                        ) : (
                          <div style={{ padding: '5px 2px' }}>
                            {wholePercent(cell.current, cell.applicable)}
                            <VisuallyHidden>, {detail}</VisuallyHidden>
                          </div>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </Box>
      )}
    </Card>
  );
}
