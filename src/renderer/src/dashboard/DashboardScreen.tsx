import '@mantine/charts/styles.css';
import { Alert, Badge, Box, Button, Card, Center, Grid, Group, Loader, Modal, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { asOfForRole, monthEndsOnly } from '../../../shared/compliance/asOfForRole';
import type { Role } from '../../../shared/roles';
import { PersonDrawer } from '../records/PersonDrawer';
import { CURRENT_STATUSES } from '../../../shared/compliance/complianceStatus';
import type { ComplianceStatus } from '../../../shared/compliance/complianceStatus';
import type { ComplianceReport, DrillDown } from './complianceQueries';
import { useComplianceReport, useComplianceTrend, useFrameworkPacks } from './complianceQueries';
import { ComponentsCard } from './ComponentsCard';
import { isDay, localToday, points, shortFramework } from './dashboardFormat';
import { ExpiriesCard } from './ExpiriesCard';
import { canManageFrameworks, FrameworkPacks } from './FrameworkPacks';
import { GapPeopleCard } from './GapPeopleCard';
import { gapKey, GapsCard } from './GapsCard';
import { HeatmapCard } from './HeatmapCard';
import { requirementInfo } from './requirementInfo';
import type { RequirementInfo } from './requirementInfo';
import { ScoreCard } from './ScoreCard';
import type { BreakdownRow } from './ScoreCard';
import { TrendCard } from './TrendCard';

const OVERALL = 'overall';

/** Core's reasons are clauses ("the log head is damaged"): shown as a sentence. */
const sentence = (clause: string) => `${clause.charAt(0).toUpperCase()}${clause.slice(1)}${/[.!?]$/.test(clause) ? '' : '.'}`;

type FrameworkReport = ComplianceReport['frameworks'][number];

/** Overall: each framework's score (a button to its tab). A framework: each requirement's share current. */
function breakdownOf(frameworks: readonly FrameworkReport[], framework: FrameworkReport | null, select: (id: string) => void): BreakdownRow[] {
  if (framework === null) {
    return frameworks.map((f) => ({ key: f.id, label: f.title, value: f.readiness.score, display: points(f.readiness.score), onSelect: () => select(f.id) }));
  }
  return framework.requirements.map((r) => {
    const entries = Object.entries(r.counts) as [ComplianceStatus, number][];
    const applicable = entries.reduce((sum, [status, n]) => (status === 'not_applicable' ? sum : sum + n), 0);
    const current = entries.reduce((sum, [status, n]) => (CURRENT_STATUSES.has(status) ? sum + n : sum), 0);
    // Nobody in scope measures nothing: an empty bar, not a full one.
    const share = applicable === 0 ? null : Math.floor((current / applicable) * 100);
    return {
      key: r.requirementId,
      label: r.title,
      title: `${r.title}${r.clause ? ` (${r.clause})` : ''}: ${String(current)} of ${String(applicable)} in scope current`,
      value: share,
      display: applicable === 0 ? 'nobody in scope' : `${String(share)}% · ${String(current)}/${String(applicable)}`,
    };
  });
}

/** No framework counted yet: what the packs are, and (for officers) the button to count one. */
function NoFrameworks({ role }: { role: Role }) {
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="no-frameworks-title" maw={980}>
      <Title order={2} size="h4" id="no-frameworks-title">
        No framework is counted yet
      </Title>
      <Text size="sm" c="gray.7" mt={4} mb="md">
        The readiness score measures your records against the requirements of the frameworks you are audited under. Enable one or more of the bundled packs
        below; each requirement cites its clause, and you can adapt them later.
      </Text>
      <FrameworkPacks role={role} />
    </Card>
  );
}

/** The Audit Readiness dashboard: the score and its parts, trend, gaps with drill-down, heat map, expiries. */
export function DashboardScreen({ role }: { role: Role }) {
  const [asOfText, setAsOfText] = useState(localToday);
  const [asOf, setAsOf] = useState(localToday);
  const [tab, setTab] = useState<string>(OVERALL);
  const [gap, setGap] = useState<DrillDown | null>(null);
  const [person, setPerson] = useState<string | null>(null);
  const [managing, setManaging] = useState(false);

  const report = useComplianceReport(asOf, null);
  const all = report.data;
  const frameworks = useMemo(() => all?.frameworks ?? [], [all]);
  const selected = frameworks.some((f) => f.id === tab) ? tab : null;
  const scoped = useComplianceReport(asOf, selected);
  // The trend waits for the score: it is twelve reports' work and must not hold up the first paint.
  const trend = useComplianceTrend(asOf, all?.asOf === asOf);
  const requirements = useMemo(() => (all ? requirementInfo(all) : new Map<string, RequirementInfo>()), [all]);
  // Packs counted once and disabled since: said on the dashboard, with who, when and why.
  const packs = useFrameworkPacks();
  const disabledPacks = (packs.data?.frameworks ?? []).filter((p) => !p.enabled && p.disabled);
  const withdrawn = packs.data?.withdrawn ?? [];

  const monthEnds = monthEndsOnly(role);
  const changeAsOf = (text: string) => {
    // Auditors are answered for today or a month end (core does the same): the input shows which.
    const day = isDay(text) ? asOfForRole(role, text, localToday()) : null;
    setAsOfText(day ?? text);
    if (day) setAsOf(day);
  };

  const header = (
    <Group justify="space-between" align="flex-end">
      <Group gap="xs" align="center">
        <Title order={1} size="h3">
          Audit readiness
        </Title>
        {(report.isPlaceholderData || report.isFetching) && (
          <Group gap={6} role="status">
            <Loader size="xs" />
            <Text size="sm" c="gray.7">
              Computing as of {asOf}…
            </Text>
          </Group>
        )}
      </Group>
      <Group gap="sm" align="flex-end">
        {frameworks.length > 0 && canManageFrameworks(role) && (
          <Button size="xs" variant="default" onClick={() => setManaging(true)}>
            Frameworks…
          </Button>
        )}
        <TextInput
          size="xs"
          type="date"
          label="As of"
          value={asOfText}
          onChange={(e) => changeAsOf(e.currentTarget.value)}
          error={isDay(asOfText) ? undefined : 'Enter a date'}
          styles={{ root: { display: 'flex', alignItems: 'center', gap: 8 }, label: { marginBottom: 0 } }}
          w={196}
        />
        <Button size="xs" variant="default" onClick={() => changeAsOf(localToday())} disabled={asOf === localToday()}>
          Today
        </Button>
      </Group>
    </Group>
  );
  const monthEndsNote = monthEnds && (
    <Text size="xs" c="gray.7" ta="right" data-testid="month-ends-note">
      Auditors see statuses as of today or a month's last day: the day someone became overdue could tell their hire date.
    </Text>
  );

  const disabledLine = (disabledPacks.length > 0 || withdrawn.length > 0) && (
    <Text size="sm" c="gray.7" data-testid="disabled-packs">
      Not counted:{' '}
      {[
        ...disabledPacks.map(
          (p) => `${p.title} (disabled ${p.disabled?.at.slice(0, 10) ?? ''} by ${p.disabled?.by ?? ''}: ${p.disabled?.reason ?? 'no reason recorded'})`,
        ),
        ...withdrawn.map((w) => `${w.title}, ${w.requirementId} (withdrawn ${w.at.slice(0, 10)} by ${w.by}: ${w.reason ?? 'no reason recorded'})`),
      ].join('; ')}
      .
    </Text>
  );

  const manageModal = (
    <Modal.Root opened={managing} onClose={() => setManaging(false)} size="xl">
      <Modal.Overlay />
      <Modal.Content>
        {/* A <header> inside the dialog would be a second banner landmark beside the app's. */}
        <Modal.Header role="group">
          <Modal.Title>Framework packs</Modal.Title>
          <Modal.CloseButton aria-label="Close" />
        </Modal.Header>
        <Modal.Body>
          <FrameworkPacks role={role} allowDisable />
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );

  if (report.isPending) {
    return (
      <Center h={320}>
        <Loader aria-label="Computing the readiness score" />
      </Center>
    );
  }
  if (report.isError) {
    return (
      <Stack gap="sm">
        {header}
        {monthEndsNote}
        <Alert color="red" role="alert" title="The dashboard could not be computed" maw={720}>
          {report.error.message} Choose another date, or Today.
        </Alert>
      </Stack>
    );
  }
  const data = report.data;

  if (frameworks.length === 0) {
    return (
      <Stack gap="sm">
        {header}
        {monthEndsNote}
        {disabledLine}
        <NoFrameworks role={role} />
        {manageModal}
      </Stack>
    );
  }

  const framework = selected === null ? null : frameworks.find((f) => f.id === selected);
  const scopedReady = scoped.data && !scoped.isPlaceholderData && (selected === null || scoped.data.frameworks[0]?.id === selected) ? scoped.data : null;
  const readiness = framework ? (scopedReady?.overall ?? framework.readiness) : data.overall;
  const requirementIds = framework ? framework.requirements.map((r) => r.requirementId) : data.heatmap.requirements;
  const shownAsOf = data.asOf;
  // Until one is chosen, the costliest gap is shown, once the trend is in (it must not compete with it).
  const chosen = gap && (gap.kind === 'not_current' || readiness.gaps.some((g) => gapKey(g) === gapKey(gap))) ? gap : null;
  const openGap = chosen ?? (trend.data && !trend.isPlaceholderData ? (readiness.gaps.find((g) => g.requirementId !== null) ?? null) : null);

  return (
    <Stack gap="sm">
      {header}
      {monthEndsNote}
      {disabledLine}
      {!data.integrity.ok && (
        <Alert color="red.9" variant="filled" role="alert" title="The audit log does not verify" data-testid="integrity-alert">
          {sentence(data.integrity.reason ?? 'the log does not match its signed checkpoints')} Until it does, every score loses its log-integrity points and the
          records cannot be shown to an auditor as untouched. Open Audit log and verify it to find the first bad entry.
        </Alert>
      )}
      <Tabs value={selected ?? OVERALL} onChange={(value) => setTab(value ?? OVERALL)} keepMounted variant="outline">
        <Tabs.List aria-label="Framework">
          <Tabs.Tab
            value={OVERALL}
            rightSection={
              <Badge variant="light" size="sm">
                {points(data.overall.score)}
              </Badge>
            }
          >
            Overall
          </Tabs.Tab>
          {frameworks.map((f) => (
            <Tabs.Tab
              key={f.id}
              value={f.id}
              title={f.title}
              rightSection={
                <Badge variant="light" size="sm" color="gray">
                  {points(f.readiness.score)}
                </Badge>
              }
            >
              {shortFramework(f.title)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {[OVERALL, ...frameworks.map((f) => f.id)].map((value) => (
          <Tabs.Panel key={value} value={value} pt="sm">
            {value === (selected ?? OVERALL) && (
              <Box style={{ opacity: report.isPlaceholderData ? 0.6 : 1, transition: 'opacity 150ms' }} data-testid="dashboard">
                <Grid gap="sm">
                  <Grid.Col span={4}>
                    <ScoreCard
                      title={framework?.title ?? 'All frameworks'}
                      readiness={readiness}
                      asOf={shownAsOf}
                      people={data.people}
                      requirements={requirementIds.length}
                      frameworks={frameworks.length}
                      breakdownTitle={framework ? 'Current training by requirement' : 'By framework'}
                      breakdown={breakdownOf(frameworks, framework ?? null, setTab)}
                    />
                  </Grid.Col>
                  <Grid.Col span={8}>
                    <ComponentsCard readiness={readiness} integrity={data.integrity} />
                  </Grid.Col>
                  <Grid.Col span={6}>
                    <GapsCard
                      gaps={readiness.gaps}
                      requirements={requirements}
                      selected={openGap ? gapKey(openGap) : null}
                      onSelect={setGap}
                      measured={readiness.score !== null}
                      asOf={shownAsOf}
                      frameworkId={selected}
                    />
                  </Grid.Col>
                  <Grid.Col span={6}>
                    <GapPeopleCard
                      gap={openGap}
                      asOf={shownAsOf}
                      requirement={openGap?.requirementId ? (requirements.get(openGap.requirementId) ?? null) : null}
                      integrity={data.integrity}
                      onOpenPerson={setPerson}
                    />
                  </Grid.Col>
                  <Grid.Col span={7}>
                    <TrendCard points={trend.data?.points} frameworks={frameworks} selected={selected} error={trend.error} />
                  </Grid.Col>
                  <Grid.Col span={5}>
                    {scopedReady ? (
                      <ExpiriesCard
                        expiries={scopedReady.expiries}
                        certifications={scopedReady.certificationExpiries}
                        asOf={scopedReady.asOf}
                        frameworkId={selected}
                        requirements={requirements}
                        onOpenPerson={setPerson}
                      />
                    ) : (
                      <Card withBorder h="100%">
                        <Center h="100%" mih={200}>
                          <Loader size="sm" aria-label="Counting what falls due" />
                        </Center>
                      </Card>
                    )}
                  </Grid.Col>
                  <Grid.Col span={12}>
                    <HeatmapCard
                      heatmap={scopedReady?.heatmap ?? data.heatmap}
                      requirementIds={requirementIds}
                      requirements={requirements}
                      onSelect={(requirementId, unit, notCurrent) => {
                        setGap({
                          requirementId,
                          frameworkId: requirements.get(requirementId)?.frameworkId ?? null,
                          kind: 'not_current',
                          unit,
                          people: notCurrent,
                          points: 0,
                        });
                        document.getElementById('gap-people')?.scrollIntoView({ block: 'nearest' });
                      }}
                    />
                  </Grid.Col>
                </Grid>
              </Box>
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
      <PersonDrawer personId={person} onClose={() => setPerson(null)} />
      {manageModal}
    </Stack>
  );
}
