import { Alert, Button, Center, Checkbox, Code, Container, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';

/**
 * Shows the recovery key once, right after creation, and makes the officer prove they wrote it
 * down (retype its last group) before continuing. The key is dropped from memory on continue.
 */
export function RecoveryKeyScreen({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const groups = recoveryKey.split('-');
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
