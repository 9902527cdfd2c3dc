import { Alert, Button, Center, Checkbox, Code, Container, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';

/** What the printable sheet carries: the recovery key (secret) and the genesis fingerprint (public). */
export interface RecoverySheet {
  recoveryKey: string;
  genesisFingerprint: string;
}

/**
 * Shows the recovery key once, right after creation, with the audit log's genesis fingerprint,
 * and makes the officer prove they wrote the key down (retype its last group) before
 * continuing. The key is dropped from memory on continue.
 */
export function RecoveryKeyScreen({ sheet, onDone }: { sheet: RecoverySheet; onDone: () => void }) {
  const groups = sheet.recoveryKey.split('-');
  const last = groups[groups.length - 1] ?? '';
  const [stored, setStored] = useState(false);
  const [typed, setTyped] = useState('');
  const matches = typed.trim().toUpperCase() === last;

  return (
    <Center component="main" mih="100vh" bg="gray.0">
      <Container size={720} w="100%">
        <Paper withBorder p="xl" radius="md">
          <Stack gap="md">
            <Title order={1} size="h2">
              Your recovery key
            </Title>
            <Text>
              This key opens the vault if every passphrase is lost. It is shown <strong>only now</strong>: write it down or print it, and keep it somewhere safe
              and separate from this computer.
            </Text>
            <Code
              block
              fz="xl"
              ta="center"
              py="md"
              data-testid="recovery-key"
              aria-label="Recovery key"
              style={{ whiteSpace: 'normal', wordSpacing: '0.4em', letterSpacing: '0.06em' }}
            >
              {groups.join(' ')}
            </Code>
            <Title order={2} size="h4">
              Genesis fingerprint of the audit log
            </Title>
            <Text size="sm">
              Not secret. Keep it with the recovery key: anyone who has it can prove later that the vault&apos;s audit log was not rewritten, even by someone
              holding the vault&apos;s key (<Code>custodian log verify --trusted</Code>). This computer keeps a copy too.
            </Text>
            <Code
              block
              fz="md"
              ta="center"
              data-testid="genesis-fingerprint"
              aria-label="Genesis fingerprint"
              style={{ whiteSpace: 'normal', wordBreak: 'break-all' }}
            >
              {sheet.genesisFingerprint}
            </Code>
            <Group>
              <Button variant="default" onClick={() => window.print()}>
                Print…
              </Button>
            </Group>
            <Alert color="yellow" title="Anyone with this key can open the vault">
              Do not store it in a file on this computer or send it by e-mail.
            </Alert>
            <Checkbox label="I have written down or printed the recovery key" checked={stored} onChange={(e) => setStored(e.currentTarget.checked)} />
            <TextInput
              label="To confirm, type the last group of the key"
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              error={typed.length >= last.length && !matches ? 'That is not the last group.' : undefined}
              maw={360}
              autoComplete="off"
            />
            <Group justify="flex-end">
              <Button onClick={onDone} disabled={!stored || !matches}>
                Continue to the vault
              </Button>
            </Group>
          </Stack>
        </Paper>
      </Container>
    </Center>
  );
}
