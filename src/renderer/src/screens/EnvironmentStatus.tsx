import { Anchor, Collapse, Group, List, Loader, Text, ThemeIcon } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useSelfTest } from '../ipc/queries';

/** One line saying whether this machine can run a vault, expandable to each check. */
export function EnvironmentStatus() {
  const selfTest = useSelfTest();
  const [opened, { toggle }] = useDisclosure(false);

  if (selfTest.isPending) {
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm">Checking this computer…</Text>
      </Group>
    );
  }
  if (selfTest.isError) {
    return (
      <Text size="sm" c="red.8" role="alert">
        The environment check could not run: {selfTest.error.message}
      </Text>
    );
  }
  const checks = selfTest.data.checks;
  const failed = checks.filter((check) => !check.ok);
  return (
    <div>
      <Group gap="xs">
        <Text size="sm" data-testid="environment-summary" c={failed.length ? 'red.8' : 'gray.7'}>
          {failed.length
            ? `Environment check: ${String(failed.length)} of ${String(checks.length)} failed. Custodian cannot keep a vault safely here.`
            : `Environment check: all ${String(checks.length)} passed.`}
        </Text>
        <Anchor component="button" type="button" size="sm" onClick={toggle} aria-expanded={opened}>
          {opened ? 'Hide details' : 'Details'}
        </Anchor>
      </Group>
      <Collapse expanded={opened}>
        <List size="sm" mt="xs" spacing={4} center>
          {checks.map((check) => (
            <List.Item
              key={check.id}
              icon={
                <ThemeIcon size={16} radius="xl" color={check.ok ? 'teal' : 'red'} aria-hidden>
                  <span style={{ fontSize: 10 }}>{check.ok ? '✓' : '✕'}</span>
                </ThemeIcon>
              }
            >
              {check.label}: {check.ok ? 'passed' : 'failed'} ({check.detail})
            </List.Item>
          ))}
        </List>
      </Collapse>
    </div>
  );
}
