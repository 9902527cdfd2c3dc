import { Alert, Badge, Button, Group, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import type { SyntheticEvent } from 'react';
import { useState } from 'react';
import type { Role } from '../../../shared/roles';
import { useEnableFramework, useFrameworkPacks } from './complianceQueries';
import { isDay, localToday } from './dashboardFormat';

/** Who may count a pack in or out (core checks again: `requirements.manage`). */
export const canManageFrameworks = (role: Role) => role === 'admin' || role === 'officer';

/** The bundled framework packs, each with Enable (or Disable) for officers and administrators. */
export function FrameworkPacks({ role, allowDisable = false }: { role: Role; allowDisable?: boolean }) {
  const packs = useFrameworkPacks();
  const toggle = useEnableFramework();
  const manage = canManageFrameworks(role);
  /** The pack whose Disable was chosen: its reason is asked before anything changes. */
  const [disabling, setDisabling] = useState<{ id: string; title: string } | null>(null);
  const [reason, setReason] = useState('');
  /** The day a pack enabled here is in force from: today unless the officer states another. */
  const [effectiveFrom, setEffectiveFrom] = useState(localToday);
  /** Sent only when changed here: otherwise a pack enabled before keeps the date it had (core's default). */
  const [dateStated, setDateStated] = useState(false);
  const effectiveOk = isDay(effectiveFrom);
  const reasonOk = reason.trim().length >= 10;
  const confirmDisable = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!disabling || !reasonOk) return;
    toggle.mutate(
      { id: disabling.id, enabled: false, reason: reason.trim() },
      {
        onSuccess: () => {
          setDisabling(null);
          setReason('');
        },
      },
    );
  };

  if (packs.isPending) return <Text size="sm">Loading the framework packs…</Text>;
  if (packs.isError)
    return (
      <Alert color="red" role="alert">
        {packs.error.message}
      </Alert>
    );
  return (
    <>
      {manage && (
        <TextInput
          type="date"
          size="xs"
          w={220}
          mb="xs"
          label="A pack enabled here is in force from"
          description="No one is due before this day. Left as it is, a pack enabled before keeps the day it had."
          value={effectiveFrom}
          onChange={(e) => {
            setEffectiveFrom(e.currentTarget.value);
            setDateStated(true);
          }}
          error={effectiveOk ? undefined : 'Enter a date'}
        />
      )}
      <Table fz="sm" verticalSpacing={6} aria-label="Framework packs" data-testid="framework-packs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Framework</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th ta="right">Requirements</Table.Th>
            <Table.Th>
              <VisuallyHidden>Action</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {packs.data.frameworks.map((pack) => (
            <Table.Tr key={pack.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {pack.title}
                </Text>
                <Text size="xs" c="gray.7">
                  {pack.id} · version {pack.version}
                </Text>
                {pack.disabled && (
                  <Text size="xs" c="gray.7" data-testid="pack-disabled">
                    {`Disabled ${pack.disabled.at.slice(0, 10)} by ${pack.disabled.by}: ${pack.disabled.reason ?? 'no reason recorded'}`}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="gray.7" maw={360}>
                  {pack.source}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{pack.requirements}</Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {pack.enabled ? (
                  allowDisable && manage ? (
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => {
                        setDisabling({ id: pack.id, title: pack.title });
                        setReason('');
                      }}
                      disabled={disabling?.id === pack.id}
                      aria-label={`Disable ${pack.title}`}
                    >
                      Disable
                    </Button>
                  ) : (
                    <Badge variant="light" color="teal" tt="none">
                      Counted
                    </Badge>
                  )
                ) : manage ? (
                  <Button
                    size="compact-sm"
                    onClick={() => toggle.mutate({ id: pack.id, enabled: true, ...(dateStated ? { effectiveFrom } : {}) })}
                    disabled={!effectiveOk}
                    loading={toggle.isPending && toggle.variables.id === pack.id}
                    aria-label={`Enable ${pack.title}`}
                  >
                    Enable
                  </Button>
                ) : (
                  <Text size="xs" c="gray.7">
                    Not counted
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {disabling && (
        <form onSubmit={confirmDisable} aria-label={`Disable ${disabling.title}`}>
          <TextInput
            mt="sm"
            label={`Why is ${disabling.title} no longer counted?`}
            description="Kept in the audit log, and shown beside the pack while it is disabled. Its requirements stay in the history."
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reason && !reasonOk ? 'At least 10 characters.' : undefined}
            maxLength={1000}
            data-autofocus
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={() => setDisabling(null)}>
              Keep it
            </Button>
            <Button type="submit" color="red.9" disabled={!reasonOk} loading={toggle.isPending}>
              Disable
            </Button>
          </Group>
        </form>
      )}
      {!manage && (
        <Text size="sm" c="gray.7" mt="xs">
          Only an officer or an administrator may enable a framework: ask one.
        </Text>
      )}
      {toggle.isError && (
        <Alert color="red" role="alert" mt="sm" title="The framework was not changed">
          {toggle.error.message}
        </Alert>
      )}
    </>
  );
}
