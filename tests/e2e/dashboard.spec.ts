import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, saveScreenshot, startHarnessProcess, test, unlockPickedVault } from './fixtures';

// The Audit Readiness dashboard, on the demo vault (frameworks enabled by the demo) and on a
// fresh vault (no framework yet). Expected figures come from the CLI on the same vault folder,
// or from the same IPC call the page makes: never written down here.

/** The demo vault's passphrase is public by design (src/core/app/vaultManager.ts). */
const DEMO_PASSPHRASE = 'riverside demo vault passphrase';
const PASSPHRASE = 'correct horse battery staple orbit';

interface CliComponent {
  id: string;
  label: string;
  weight: number;
  value: number | null;
  contribution: number;
}
interface CliStatus {
  asOf: string;
  overall: { score: number | null; components: CliComponent[] };
  frameworks: { id: string; readiness: { score: number | null } }[];
}

/** Fails the test on any script error or Content-Security-Policy violation in the page. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  return problems;
}

/** One day `days` from `day` (YYYY-MM-DD). */
function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

test('the demo vault opens on the dashboard: score, parts, trend, gaps, drill-down, heat map', async ({ page, harness }, testInfo) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Open the demo vault' }).click();
  await expect(page.getByTestId('vault-name')).toHaveText('Riverside Demo', { timeout: 60_000 });

  // The dashboard is the first section and the default one.
  await expect(page.getByRole('navigation', { name: 'Vault sections' }).getByRole('button').first()).toHaveText('Dashboard');
  await expect(page.getByRole('heading', { name: 'Audit readiness' })).toBeVisible();
  const score = page.getByTestId('score-value');
  await expect(score).toHaveText(/^\d{1,3}\.\d$/);
  const asOf = (await page.getByTestId('score-as-of').textContent()) ?? '';
  expect(asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const shown = {
    score: await score.textContent(),
    components: await page
      .getByTestId('components-table')
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => ({
          text: row.querySelector('td')?.textContent ?? '',
          share: row.querySelector('[data-testid="component-share"]')?.textContent ?? '',
          contribution: row.querySelector('[data-testid="component-contribution"]')?.textContent ?? '',
        })),
      ),
    tabs: await page.getByRole('tab').allTextContents(),
  };

  // Charts are drawn (SVG): the components' bars now, the trend once the score is up.
  await expect(page.getByTestId('components-chart').locator('svg .recharts-bar-rectangle').first()).toBeVisible();
  await expect(page.getByTestId('trend-chart').locator('svg path.recharts-line-curve').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('trend-summary')).toContainText(`on ${asOf}`);

  // The heat map has one numbered cell per (unit, requirement) with anyone in scope.
  const report = await page.evaluate((day) => window.custodian.compliance.report({ asOf: day }), asOf);
  if (!report.ok) throw new Error(report.error.message);
  const withData = report.value.heatmap.cells.filter((c) => c.applicable > 0);
  await expect(page.getByTestId('heat-cell')).toHaveCount(withData.length);
  expect(withData.length).toBeGreaterThan(10);
  const heat = page.getByTestId('heatmap');
  for (const cell of withData.slice(0, 5)) {
    const row = heat.locator('tbody tr').filter({ has: page.locator('th', { hasText: cell.unit }) });
    const column = report.value.heatmap.requirements.indexOf(cell.requirementId) + 2;
    await expect(row.locator(`:nth-child(${String(column)})`)).toContainText(`${String(Math.floor((cell.current / cell.applicable) * 100))}%`);
    await expect(row.locator(`:nth-child(${String(column)})`)).toContainText(`${String(cell.current)} of ${String(cell.applicable)} current`);
  }
  await page.waitForTimeout(300); // let the charts settle, for the picture only
  await saveScreenshot(page, testInfo, 'dashboard-overview');
  await expectNoAxeViolations(page);

  // The costliest gap is open to begin with; another, chosen with the mouse, lists its people,
  // and one of them opens in the person drawer.
  const [firstGap, secondGap, thirdGap] = report.value.overall.gaps;
  if (!firstGap || !secondGap || !thirdGap) throw new Error('the demo vault has fewer than three gaps');
  const gaps = page.getByTestId('gaps-table');
  const drill = page.getByTestId('gap-people-table');
  const total = page.getByTestId('gap-people-total');
  await expect(gaps.getByTestId('gap-row').first().getByRole('button')).toHaveAttribute('aria-pressed', 'true');
  await expect(total).toContainText(`${firstGap.people.toLocaleString('en')} `);
  await gaps.getByTestId('gap-row').nth(1).click();
  await expect(total).toContainText(`${secondGap.people.toLocaleString('en')} `);
  await expect(drill.locator('tbody tr')).toHaveCount(Math.min(secondGap.people, 500));
  const employeeId = (await drill.locator('tbody tr').first().locator('td').first().locator('p').textContent()) ?? '';
  expect(employeeId).not.toBe('');
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, testInfo, 'dashboard-drilldown');
  await drill.locator('tbody tr').first().click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText('Training history');
  await expect(drawer).toContainText(employeeId);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // The same from the keyboard: Tab reaches the gaps; Enter opens one, then a person.
  const third = gaps.getByTestId('gap-row').nth(2).getByRole('button');
  await gaps.getByTestId('gap-row').nth(1).getByRole('button').focus();
  await page.keyboard.press('Tab');
  await expect(third).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(third).toHaveAttribute('aria-pressed', 'true');
  await expect(total).toContainText(`${thirdGap.people.toLocaleString('en')} `);
  await drill.locator('tbody tr').first().getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toContainText('Training history');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  // A cell with people not current lists them in the drill-down.
  const lagging = withData.find((c) => c.current < c.applicable);
  if (!lagging) throw new Error('every heat-map cell is at 100%');
  const laggingRow = heat.locator('tbody tr').filter({ has: page.locator('th', { hasText: lagging.unit }) });
  await laggingRow
    .locator(`:nth-child(${String(report.value.heatmap.requirements.indexOf(lagging.requirementId) + 2)})`)
    .getByRole('button')
    .click();
  await expect(page.locator('#gap-people-title')).toContainText(`${lagging.unit}: not current`);
  const notCurrent = lagging.applicable - lagging.current;
  await expect(page.getByTestId('gap-people-total')).toContainText(notCurrent === 1 ? '1 person' : `${notCurrent.toLocaleString('en')} people`);
  await page.evaluate(() => window.scrollTo(0, 0)); // a full-page picture with the header where it belongs
  await saveScreenshot(page, testInfo, 'dashboard-heatmap-drilldown');

  // Falling due: trainings, then certification cards; one opens its holder's records.
  await expect(page.getByTestId('due-90')).toHaveText(report.value.expiries.within90.toLocaleString('en'));
  await page.locator('label', { hasText: 'Certifications' }).click();
  await expect(page.getByRole('radio', { name: 'Certifications' })).toBeChecked();
  const cards = report.value.certificationExpiries;
  await expect(page.getByTestId('due-30')).toHaveText(cards.within30.toLocaleString('en'));
  await expect(page.getByTestId('due-90')).toHaveText(cards.within90.toLocaleString('en'));
  const firstCard = cards.soonest[0];
  if (firstCard) {
    const row = page.getByTestId('expiries-table').locator('tbody tr').first();
    await expect(row).toContainText(firstCard.name);
    await expect(row.getByRole('button')).toHaveText(firstCard.person); // the holder, by name
    await row.getByRole('button').click();
    await expect(page.getByRole('dialog').getByTestId('person-certifications')).toContainText(firstCard.name);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  }
  await page.locator('label', { hasText: 'Training' }).click();

  // A framework tab: its own score, parts and heat-map columns.
  const hipaa = report.value.frameworks.find((f) => f.id === 'hipaa');
  if (!hipaa) throw new Error('the demo vault does not count HIPAA');
  await page.getByRole('tab', { name: /^HIPAA/ }).click();
  await expect(score).toHaveText(hipaa.readiness.score?.toFixed(1) ?? '—');
  await expect(page.getByRole('heading', { name: `Readiness score · ${hipaa.title}` })).toBeVisible();
  await expect(page.getByTestId('heatmap').locator('thead th')).toHaveCount(hipaa.requirements.length + 1);
  await expect(page.getByTestId('due-30')).toHaveText(/^\d[\d,]*$/);
  await expect(page.getByTestId('trend-chart').locator('svg path.recharts-line-curve')).toHaveCount(2);
  await page.waitForTimeout(300);
  await saveScreenshot(page, testInfo, 'dashboard-framework');
  await expectNoAxeViolations(page);

  // Point in time: a year earlier, everything is recomputed as of that date.
  await page.getByRole('tab', { name: /^Overall/ }).click();
  const earlier = shiftDay(asOf, -365);
  const then = await page.evaluate((day) => window.custodian.compliance.report({ asOf: day }), earlier);
  if (!then.ok) throw new Error(then.error.message);
  expect(then.value.overall.score).not.toBe(report.value.overall.score);
  await page.getByLabel('As of').fill(earlier);
  await expect(page.getByTestId('score-as-of')).toHaveText(earlier);
  await expect(score).toHaveText(then.value.overall.score?.toFixed(1) ?? '—');
  await expect(page.getByTestId('trend-summary')).toContainText(`on ${earlier}`);
  await page.getByRole('button', { name: 'Today' }).click();
  await expect(score).toHaveText(shown.score ?? '');

  // The figures match the command line's on the same vault folder (locked first).
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('button', { name: 'Open the demo vault' })).toBeVisible();
  const cli = spawnSync(
    'bin/custodian',
    ['status', join(harness.dataDir, 'demo', 'Riverside Demo.custodian'), '--user', 'demo-officer', '--as-of', asOf, '--json'],
    {
      env: { ...process.env, CUSTODIAN_PASSPHRASE: DEMO_PASSPHRASE },
      encoding: 'utf8',
    },
  );
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  const status = JSON.parse(cli.stdout) as CliStatus;
  expect(status.asOf).toBe(asOf);
  expect(shown.score).toBe(status.overall.score?.toFixed(1));
  expect(shown.components).toHaveLength(status.overall.components.length);
  status.overall.components.forEach((c, i) => {
    expect(shown.components[i]?.text).toContain(c.label);
    expect(shown.components[i]?.share).toBe(c.value === null ? 'not measured' : `${(c.value * 100).toFixed(1)}%`);
    expect(shown.components[i]?.contribution).toBe(c.contribution.toFixed(1));
  });
  for (const f of status.frameworks) expect(shown.tabs.some((t) => t.endsWith(f.readiness.score?.toFixed(1) ?? '—'))).toBe(true);
  expect(problems).toEqual([]);
});

test('a fresh vault: the dashboard lists the framework packs and enables one', async ({ page, harness }, testInfo) => {
  const problems = watchConsole(page);
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Create a vault…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a vault' });
  await dialog.getByLabel('Vault name').fill('Northgate');
  await dialog.getByRole('button', { name: 'Choose folder…' }).click();
  await dialog.getByLabel('Your user name').fill('alice');
  await dialog.locator('input[type=password]').first().fill(PASSPHRASE);
  await dialog.locator('input[type=password]').nth(1).fill(PASSPHRASE);
  await dialog.getByRole('button', { name: 'Create vault' }).click();
  const groups = (await page.getByTestId('recovery-key').textContent())?.split(' ') ?? [];
  await page.getByLabel('I have written down or printed the recovery key').check();
  await page.getByLabel('To confirm, type the last group of the key').fill(groups[groups.length - 1] ?? '');
  await page.getByRole('button', { name: 'Continue to the vault' }).click();

  await expect(page.getByRole('heading', { name: 'No framework is counted yet' })).toBeVisible();
  const packs = await page.evaluate(() => window.custodian.compliance.frameworks());
  if (!packs.ok) throw new Error(packs.error.message);
  const table = page.getByTestId('framework-packs');
  await expect(table.locator('tbody tr')).toHaveCount(packs.value.frameworks.length);
  for (const pack of packs.value.frameworks) await expect(table.getByRole('button', { name: `Enable ${pack.title}` })).toBeVisible();
  await saveScreenshot(page, testInfo, 'dashboard-empty');
  await expectNoAxeViolations(page);

  const osha = packs.value.frameworks.find((f) => f.id === 'osha-bbp');
  if (!osha) throw new Error('no OSHA pack bundled');
  // Enabled here, a pack is in force from today unless another day is stated.
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await expect(page.getByLabel('A pack enabled here is in force from')).toHaveValue(today);
  await table.getByRole('button', { name: `Enable ${osha.title}` }).click();
  await expect(page.getByRole('tab', { name: /^OSHA/ })).toBeVisible();
  // Nothing to measure is no score (not 100), and every requirement part says "not measured".
  await expect(page.getByTestId('score-value')).toHaveText('—');
  await expect(page.getByTestId('no-score')).toHaveText(/^Nobody is on file yet, so there is nothing to measure/);
  await expect(page.getByTestId('component-share')).toHaveText(['not measured', 'not measured', 'not measured', 'not measured', 'not measured', '100.0%']);
  await expect(page.getByText('Nothing measured yet')).toBeVisible();
  await expect(page.getByText('Nothing measured on this date, so no gaps can be found yet.')).toBeVisible();
  await expect(page.getByTestId('trend-summary')).toHaveText(/^Overall: no score on \d{4}-\d{2}-\d{2}, no score on /);
  await saveScreenshot(page, testInfo, 'dashboard-no-score');
  // The integrity component says which check it made: the quick one, from the fingerprint kept here.
  await expect(page.getByTestId('integrity-check')).toHaveText(/^Quick check of the log head .*, from the genesis fingerprint kept on this computer\.$/);
  const after = await page.evaluate(() => window.custodian.compliance.frameworks());
  expect(after.ok && after.value.frameworks.find((f) => f.id === 'osha-bbp')?.enabled).toBe(true);
  await expectNoAxeViolations(page);

  // More packs later, from Frameworks…: the one counted can be disabled, the others enabled.
  await page.getByRole('button', { name: 'Frameworks…' }).click();
  const modal = page.getByRole('dialog', { name: 'Framework packs' });
  await expect(modal.getByRole('button', { name: `Disable ${osha.title}` })).toBeVisible();
  await expect(modal.getByRole('button', { name: /^Enable / })).toHaveCount(packs.value.frameworks.length - 1);
  await expectNoAxeViolations(page);
  // Disabling asks why first; the reason is kept in the log and shown while the pack stays disabled.
  const hipaa = packs.value.frameworks.find((f) => f.id === 'hipaa');
  if (!hipaa) throw new Error('no HIPAA pack bundled');
  await modal.getByRole('button', { name: `Enable ${hipaa.title}` }).click();
  await modal.getByRole('button', { name: `Disable ${hipaa.title}` }).click();
  const why = modal.getByLabel(`Why is ${hipaa.title} no longer counted?`);
  await why.fill('too short');
  await expect(modal.getByRole('button', { name: 'Disable', exact: true })).toBeDisabled();
  await why.fill('this site holds no PHI since the 2026 clinic sale');
  await saveScreenshot(page, testInfo, 'framework-disable-reason');
  await expectNoAxeViolations(page);
  await modal.getByRole('button', { name: 'Disable', exact: true }).click();
  await expect(modal.getByTestId('pack-disabled')).toHaveText(/^Disabled \d{4}-\d{2}-\d{2} by alice: this site holds no PHI since the 2026 clinic sale$/);
  await page.keyboard.press('Escape');
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('disabled-packs')).toHaveText(
    new RegExp(
      `^Not counted: ${hipaa.title.replace(/[().]/g, '\\$&')} \\(disabled \\d{4}-\\d{2}-\\d{2} by alice: this site holds no PHI since the 2026 clinic sale\\)\\.$`,
    ),
  );
  await expect(page.getByRole('tab', { name: /^HIPAA/ })).toHaveCount(0);

  // A damaged log head is caught by the next computation and shown above everything else.
  writeFileSync(join(harness.dataDir, 'vaults', 'Northgate.custodian', 'log.head'), 'damaged');
  await page.getByLabel('As of').fill(shiftDay(await page.getByTestId('score-as-of').innerText(), -1));
  const alert = page.getByTestId('integrity-alert');
  await expect(alert).toContainText('log.head');
  await expect(page.getByTestId('gaps-table')).toContainText('Audit log does not verify');
  await saveScreenshot(page, testInfo, 'dashboard-integrity');
  await expectNoAxeViolations(page);
  expect(problems).toEqual([]);
});

test('an auditor is answered for today or a month end: a day picked moves to its month end, and the screen says why', async ({ page }, testInfo) => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-e2e-auditor-'));
  let running: { child: ChildProcess; url: string } | null = null;
  try {
    const vault = join(root, 'Clinic.custodian');
    const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };
    const run = (args: string[]) => {
      const result = spawnSync('bin/custodian', args, { env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
    };
    run(['init', vault, '--user', 'alice', '--kdf', 'minimum']);
    writeFileSync(join(root, 'audrey.pass'), 'auditor reads the dashboard only\n');
    run(['user', 'add', vault, '--name', 'audrey', '--role', 'auditor', '--new-passphrase-file', join(root, 'audrey.pass'), '--kdf', 'minimum']);
    run(['framework', 'enable', vault, 'osha-bbp']);
    running = await startHarnessProcess(join(root, 'app-data'), ['--pick-open', vault]);
    await unlockPickedVault(page, running.url, 'Clinic', 'audrey', 'auditor reads the dashboard only');
    await expect(page.getByTestId('month-ends-note')).toHaveText(/^Auditors see statuses as of today or a month's last day/);
    const asOf = page.getByLabel('As of');
    await asOf.fill('2025-01-15');
    await expect(asOf).toHaveValue('2025-01-31');
    await expect(page.getByTestId('trend-summary')).toContainText('2025-01-31');
    // Core answers the same whatever the window sends.
    const report = await page.evaluate(() => window.custodian.compliance.report({ asOf: '2025-01-15' }));
    expect(report.ok && report.value.asOf).toBe('2025-01-31');
    await saveScreenshot(page, testInfo, 'dashboard-auditor-month-end');
    await expectNoAxeViolations(page);
  } finally {
    running?.child.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
});
