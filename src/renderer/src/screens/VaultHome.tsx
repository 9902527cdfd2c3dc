import { AppShell, Badge, Button, Group, NativeSelect, NavLink, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { EvidenceScreen } from '../evidence/EvidenceScreen';
import { NavigationProvider } from '../navigation';
import type { EvidenceFilter, Navigation, Section } from '../navigation';
import { DashboardScreen } from '../dashboard/DashboardScreen';
import { CompletionsScreen } from '../records/CompletionsScreen';
import { PeopleScreen } from '../records/PeopleScreen';
import { AuditLogScreen } from './AuditLogScreen';
import { PacketBuilderScreen } from '../packets/PacketBuilderScreen';
import { useHotkeys } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import type { VaultInfoView } from '../vaultInfo';
import { call } from '../ipc/call';
import { useLockVault } from '../ipc/queries';

const AUTO_LOCK_CHOICES = ['1', '5', '10', '15', '30', '60'];

/** The unlocked vault: the readiness dashboard (first), people, completions, evidence and the audit log. */
export function VaultHome({ vault, autoLockMinutes }: { vault: VaultInfoView; autoLockMinutes: number }) {
  const [section, setSectionState] = useState<Section>('dashboard');
  // Each navigation to Evidence remounts it with its filters (a gap's, a person's, a training's).
  const [evidence, setEvidence] = useState<{ filter: EvidenceFilter; visit: number }>({ filter: {}, visit: 0 });
  const navigation = useMemo<Navigation>(
    () => ({
      go: (to, filter) => {
        if (to === 'evidence') setEvidence((e) => ({ filter: filter ?? {}, visit: e.visit + 1 }));
        setSectionState(to);
      },
    }),
    [],
  );
  const setSection = (to: Section) => navigation.go(to);
  const lock = useLockVault();
  const autoLock = useMutation({ mutationFn: (minutes: number) => call(window.custodian.settings.setAutoLock({ minutes })) });
  useHotkeys([['mod+l', () => lock.mutate()]]);

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} padding="md">
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between">
          <Group gap="sm">
            <Text fw={700}>Custodian</Text>
            <Text c="gray.7">/</Text>
            <Text fw={500} data-testid="vault-name">
              {vault.name}
            </Text>
          </Group>
          <Group gap="sm">
            <Text size="sm" data-testid="vault-user">
              {vault.user}
            </Text>
            <Badge variant="light">{vault.role}</Badge>
            <NativeSelect
              aria-label="Lock after idle minutes"
              size="xs"
              data={AUTO_LOCK_CHOICES.map((m) => ({ value: m, label: `Auto-lock: ${m} min` }))}
              value={String(autoLock.data?.autoLockMinutes ?? autoLockMinutes)}
              onChange={(e) => autoLock.mutate(Number(e.currentTarget.value))}
            />
            <Button size="xs" variant="default" onClick={() => lock.mutate()} loading={lock.isPending} title="Lock (Ctrl+L)">
              Lock
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Vault sections">
        <NavLink label="Dashboard" active={section === 'dashboard'} onClick={() => setSection('dashboard')} component="button" />
        <NavLink label="People" active={section === 'people'} onClick={() => setSection('people')} component="button" />
        <NavLink label="Completions" active={section === 'completions'} onClick={() => setSection('completions')} component="button" />
        <NavLink label="Evidence" active={section === 'evidence'} onClick={() => setSection('evidence')} component="button" />
        <NavLink label="Audit packets" active={section === 'packets'} onClick={() => setSection('packets')} component="button" />
        <NavLink label="Audit log" active={section === 'log'} onClick={() => setSection('log')} component="button" />
      </AppShell.Navbar>
      <AppShell.Main>
        <NavigationProvider value={navigation}>
          {section === 'dashboard' && <DashboardScreen role={vault.role} />}
          {section === 'people' && <PeopleScreen />}
          {section === 'completions' && <CompletionsScreen />}
          {section === 'evidence' && <EvidenceScreen key={evidence.visit} initial={evidence.filter} />}
          {section === 'packets' && <PacketBuilderScreen role={vault.role} />}
          {section === 'log' && <AuditLogScreen role={vault.role} />}
        </NavigationProvider>
      </AppShell.Main>
    </AppShell>
  );
}
