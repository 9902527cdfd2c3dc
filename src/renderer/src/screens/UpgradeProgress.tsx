import { Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { call } from '../ipc/call';

/** "1 min 05 s", "12 s". */
function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${String(seconds)} s`;
  return `${String(Math.floor(seconds / 60))} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * Mounted while an unlock is pending: shows `children` (the usual "Checking…") until the vault
 * turns out to need its database upgraded for this version (the first unlock after an update),
 * then which step runs, of how many, and for how long. Core cannot say how far into a step it
 * is (one SQL statement), so the bar moves by steps.
 */
export function UpgradeProgress({ children }: { children: ReactNode }) {
  const progress = useQuery({
    queryKey: ['vault.upgradeProgress'],
    queryFn: () => call(window.custodian.vault.upgradeProgress()),
    refetchInterval: 500,
    gcTime: 0,
  });
  const upgrade = progress.data?.upgrade;
  if (!upgrade) return children;
  const steps = Math.max(1, upgrade.steps);
  const done = upgrade.phase === 'compacting' ? steps : upgrade.step - 1;
  const label =
    upgrade.phase === 'compacting' ? 'Reclaiming the space the upgrade freed' : `Step ${String(upgrade.step)} of ${String(upgrade.steps)}: ${upgrade.name}`;
  return (
    <Stack gap={6} data-testid="vault-upgrade">
      <Text size="sm" fw={500}>
        Upgrading this vault for this version of Custodian
      </Text>
      {/* Steps done, then the running step, striped: how far into a step core cannot tell. */}
      <Progress.Root size="md">
        <Progress.Section value={(100 * done) / steps} aria-label="Upgrade steps done" />
        {upgrade.phase === 'migrating' && <Progress.Section value={100 / steps} color="blue.3" striped animated aria-label="Upgrade step running" />}
      </Progress.Root>
      {/* Only the step is announced; the seconds beside it would be read out every time they change. */}
      <Text size="sm">
        <span role="status" aria-live="polite">
          {label}
        </span>{' '}
        · <span data-testid="vault-upgrade-elapsed">{elapsed(progress.dataUpdatedAt - upgrade.startedAt)}</span>
      </Text>
      <Text size="xs" c="dimmed">
        A large vault can take a few minutes, once. Keep Custodian open and the computer awake: locking or sleep stops the upgrade. If it stops, nothing is lost
        and it runs again at the next unlock.
      </Text>
    </Stack>
  );
}
