import type { RecoverySheet } from './RecoveryKeyScreen';
import { Alert, Box, Button, Card, Center, Container, Divider, Group, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../ipc/call';
import { useAppInfo, useRecentVaults } from '../ipc/queries';
import { CreateVaultModal } from './CreateVaultModal';
import { EnvironmentStatus } from './EnvironmentStatus';
import { UnlockModal } from './UnlockModal';
import type { UnlockTarget } from './UnlockModal';
import { UpgradeProgress } from './UpgradeProgress';

/** First screen: create a new vault, open one, or unlock a recent one. */
export function WelcomeScreen({
  onCreated,
  onAuditPacket,
}: {
  onCreated: (sheet: RecoverySheet) => void;
  /** A received packet chosen: auditor mode opens it (no vault). */
  onAuditPacket: (packet: { token: string; displayName: string }) => void;
}) {
  const info = useAppInfo();
  const recent = useRecentVaults();
  const [creating, setCreating] = useState(false);
  const [unlocking, setUnlocking] = useState<UnlockTarget | null>(null);
  const open = useMutation({
    mutationFn: () => call(window.custodian.vault.chooseLocation({ purpose: 'open' })),
    onSuccess: (result) => {
      if (result.location) setUnlocking({ ...result.location, lastUser: null });
    },
  });
  const audit = useMutation({
    mutationFn: () => call(window.custodian.auditor.choosePacket({})),
    onSuccess: (result) => {
      if (result.file) onAuditPacket(result.file);
    },
  });
  const client = useQueryClient();
  const demo = useMutation({
    mutationFn: () => call(window.custodian.vault.openDemo()),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['vault.status'] });
    },
  });
  const vaults = recent.data?.vaults ?? [];

  return (
    <Center component="main" mih="100vh" bg="gray.0">
      <Container size={760} w="100%" py="xl">
        <Stack gap="lg">
          <div>
            <Title order={1}>Custodian</Title>
            <Text c="gray.7" mt={4}>
              Training records and audit evidence in an encrypted vault on this computer. Nothing leaves it unless you export a signed packet.
            </Text>
          </div>

          {vaults.length > 0 && (
            <Card withBorder padding="md" radius="md" component="section" aria-labelledby="recent-title">
              <Title order={2} size="h4" id="recent-title" mb="xs">
                Recent vaults
              </Title>
              <Stack gap={4}>
                {vaults.map((vault) => (
                  <UnstyledButton
                    key={vault.token}
                    onClick={() => setUnlocking(vault)}
                    p="xs"
                    style={{ borderRadius: 4 }}
                    className="custodian-row-button"
                    aria-label={`Unlock ${vault.displayName}`}
                  >
                    <Group justify="space-between">
                      <Text fw={500}>{vault.displayName}</Text>
                      <Text size="sm" c="gray.7">
                        {vault.lastUser ? `last opened by ${vault.lastUser}` : ''} · Unlock…
                      </Text>
                    </Group>
                  </UnstyledButton>
                ))}
              </Stack>
            </Card>
          )}

          <SimpleGrid cols={2} spacing="md">
            <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="create-title">
              <Title order={2} size="h4" id="create-title">
                Create a vault
              </Title>
              <Text size="sm" c="gray.7" mt={6} mb="md">
                Start a new encrypted vault for your organisation. You choose a passphrase and receive a recovery key to print and store safely.
              </Text>
              <Button onClick={() => setCreating(true)}>Create a vault…</Button>
            </Card>
            <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="open-title">
              <Title order={2} size="h4" id="open-title">
                Open a vault
              </Title>
              <Text size="sm" c="gray.7" mt={6} mb="md">
                Open an existing <code>.custodian</code> vault folder and unlock it with your passphrase or the recovery key.
              </Text>
              <Button variant="default" onClick={() => open.mutate()} loading={open.isPending}>
                Open a vault…
              </Button>
            </Card>
          </SimpleGrid>
          <Card withBorder padding="md" radius="md" component="section" aria-labelledby="demo-title">
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Title order={2} size="h5" id="demo-title">
                  New to Custodian?
                </Title>
                <Text size="sm" c="gray.7">
                  Open the demo vault: a fictional regional hospital with 400 people, three years of training and evidence documents. Its passphrase is public,
                  so never put real records in it.
                </Text>
              </div>
              <Button variant="light" onClick={() => demo.mutate()} loading={demo.isPending} style={{ flexShrink: 0 }}>
                Open the demo vault
              </Button>
            </Group>
            {demo.isPending && (
              <Box mt="xs">
                <UpgradeProgress>
                  <Text size="sm" role="status">
                    Preparing the demo vault (the first time takes a few seconds)…
                  </Text>
                </UpgradeProgress>
              </Box>
            )}
            {demo.isError && (
              <Text size="sm" mt="xs" c="red.8" role="alert">
                {demo.error.message}
              </Text>
            )}
          </Card>
          <Card withBorder padding="md" radius="md" component="section" aria-labelledby="audit-title">
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Title order={2} size="h5" id="audit-title">
                  Received an audit packet?
                </Title>
                <Text size="sm" c="gray.7">
                  Auditor mode opens a packet read-only, without any vault: it checks every file, the signature and the audit-log proofs, then lets you browse
                  the report, the workbook, the evidence, the sample and the requests.
                </Text>
              </div>
              <Button variant="default" onClick={() => audit.mutate()} loading={audit.isPending} style={{ flexShrink: 0 }}>
                Open a received packet…
              </Button>
            </Group>
            {audit.isError && (
              <Text size="sm" mt="xs" c="red.8" role="alert">
                {audit.error.message}
              </Text>
            )}
          </Card>
          {open.isError && (
            <Alert color="red" role="alert" title="Could not open the folder">
              {open.error.message}
            </Alert>
          )}

          <Divider />
          <Group justify="space-between" align="flex-start">
            <EnvironmentStatus />
            <Text size="sm" c="gray.7" data-testid="app-version">
              {info.data ? `${info.data.name} ${info.data.version} · offline` : ' '}
            </Text>
          </Group>
        </Stack>
      </Container>
      <CreateVaultModal opened={creating} onClose={() => setCreating(false)} onCreated={onCreated} />
      {unlocking && <UnlockModal key={unlocking.token} target={unlocking} onClose={() => setUnlocking(null)} />}
    </Center>
  );
}
