import { Alert, Button, Card, Center, Container, Divider, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAppInfo } from '../ipc/queries';
import { EnvironmentStatus } from './EnvironmentStatus';

type Intent = 'create' | 'open';

/** First screen: create a new vault or open an existing one. */
export function WelcomeScreen() {
  const info = useAppInfo();
  const [intent, setIntent] = useState<Intent | null>(null);

  return (
    <Center component="main" mih="100vh" bg="gray.0">
      <Container size={760} w="100%" py="xl">
        <Stack gap="lg">
          <div>
            <Title order={1}>Custodian</Title>
            <Text c="gray.7" mt={4}>
              Training records and audit evidence in an encrypted vault on this computer. Nothing leaves it
              unless you export a signed packet.
            </Text>
          </div>

          <SimpleGrid cols={2} spacing="md">
            <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="create-title">
              <Title order={2} size="h4" id="create-title">
                Create a vault
              </Title>
              <Text size="sm" c="gray.7" mt={6} mb="md">
                Start a new encrypted vault for your organisation. You choose a passphrase and receive a recovery key to
                print and store safely.
              </Text>
              <Button
                onClick={() => {
                  setIntent('create');
                }}
              >
                Create a vault…
              </Button>
            </Card>
            <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="open-title">
              <Title order={2} size="h4" id="open-title">
                Open a vault
              </Title>
              <Text size="sm" c="gray.7" mt={6} mb="md">
                Open an existing <code>.custodian</code> vault folder and unlock it with your passphrase or the
                recovery key.
              </Text>
              <Button
                variant="default"
                onClick={() => {
                  setIntent('open');
                }}
              >
                Open a vault…
              </Button>
            </Card>
          </SimpleGrid>

          {intent && (
            <Alert
              color="blue"
              title={intent === 'create' ? 'Creating a vault' : 'Opening a vault'}
              withCloseButton
              closeButtonLabel="Dismiss"
              onClose={() => {
                setIntent(null);
              }}
              role="status"
            >
              This build does not include the vault module yet, so no vault can be {intent === 'create' ? 'created' : 'opened'}.
              Nothing has been written to disk.
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
    </Center>
  );
}
