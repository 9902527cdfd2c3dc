import { Alert, Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import type { Role } from '../../../shared/roles';
import { useEnableFramework, useFrameworkPacks } from './complianceQueries';

/** Who may count a pack in or out (core checks again: `requirements.manage`). */
export const canManageFrameworks = (role: Role) => role === 'admin' || role === 'officer';

/** The bundled framework packs, each with Enable (or Disable) for officers and administrators. */
export function FrameworkPacks({ role, allowDisable = false }: { role: Role; allowDisable?: boolean }) {
  const packs = useFrameworkPacks();
  const toggle = useEnableFramework();
  const manage = canManageFrameworks(role);

  if (packs.isPending) return <Text size="sm">Loading the framework packs…</Text>;
  if (packs.isError)
    return (
      <Alert color="red" role="alert">
        {packs.error.message}
      </Alert>
    );
  return (
    <>
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
                      onClick={() => toggle.mutate({ id: pack.id, enabled: false })}
                      loading={toggle.isPending && toggle.variables.id === pack.id}
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
                    onClick={() => toggle.mutate({ id: pack.id, enabled: true })}
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
