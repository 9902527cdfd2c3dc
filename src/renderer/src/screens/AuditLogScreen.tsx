import { Alert, Button, Card, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { SyntheticEvent } from 'react';
import { useState } from 'react';
import { call } from '../ipc/call';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * The audit log: verify it in full, see which key began it and whether this computer keeps that
 * key's fingerprint (the anchor outside the vault); keep it from the recovery sheet if not.
 */
export function AuditLogScreen() {
  const verify = useMutation({ mutationFn: () => call(window.custodian.vault.verifyLog()) });
  const keep = useMutation({
    mutationFn: (fingerprint: string) => call(window.custodian.vault.keepFingerprint({ fingerprint })),
    onSuccess: () => verify.mutate(),
  });
  const [typed, setTyped] = useState('');
  const fingerprint = typed.trim();
  const result = verify.data;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (FINGERPRINT.test(fingerprint)) keep.mutate(fingerprint);
  };

  return (
    <Stack maw={900}>
      <Title order={1} size="h3">
        Audit log
      </Title>
      <Card withBorder component="section" aria-labelledby="log-title">
        <Group justify="space-between">
          <div>
            <Title order={2} size="h4" id="log-title">
              Integrity check
            </Title>
            <Text size="sm" c="gray.7">
              Every change is recorded, hashed into a Merkle tree and signed. Verification recomputes all of it and walks the chain of signing keys.
            </Text>
          </div>
          <Button variant="default" onClick={() => verify.mutate()} loading={verify.isPending}>
            Verify the log
          </Button>
        </Group>
        {result && (
          <Alert mt="sm" color={result.ok ? 'teal' : 'red'} role="status" title={result.ok ? 'Intact' : 'Tampering detected'} data-testid="log-result">
            {result.ok
              ? `${String(result.size)} entries, ${String(result.checkpoints)} signed checkpoint${result.checkpoints === 1 ? '' : 's'} (signed by ${result.signers.join(', ')}); ${String(result.evidenceChecked)} evidence file${result.evidenceChecked === 1 ? '' : 's'} decrypted and matched to ${result.evidenceChecked === 1 ? 'its record' : 'their records'}. `
              : `${result.problem?.reason ?? 'Unknown problem'}${result.problem?.seq !== null && result.problem?.seq !== undefined ? ` (entry ${String(result.problem.seq)})` : ''}. `}
            <span data-testid="log-anchor">
              {result.anchored
                ? 'Checked from the genesis fingerprint this computer keeps for the vault.'
                : 'Internal consistency only: this computer keeps no genesis fingerprint for the vault, so a rewrite by someone holding its key would not show.'}
            </span>
          </Alert>
        )}
        {verify.isError && (
          <Alert mt="sm" color="red" role="alert">
            {verify.error.message}
          </Alert>
        )}
      </Card>
      {result?.genesis && (
        <Card withBorder component="section" aria-labelledby="anchor-title">
          <Title order={2} size="h4" id="anchor-title">
            Genesis key
          </Title>
          <Text size="sm" c="gray.7">
            The key that began this log ({result.genesis.user}). Its fingerprint is on the vault&apos;s recovery sheet; compare them.
          </Text>
          <Code block mt="xs" data-testid="log-genesis">
            {result.genesis.fingerprint}
          </Code>
          {!result.anchored && (
            <form onSubmit={submit}>
              <Group align="flex-end" mt="sm">
                <TextInput
                  label="Genesis fingerprint from the recovery sheet"
                  description="This computer then checks the log against it every time."
                  placeholder="SHA256:…"
                  value={typed}
                  onChange={(e) => setTyped(e.currentTarget.value)}
                  error={fingerprint && !FINGERPRINT.test(fingerprint) ? 'A fingerprint is SHA256: followed by 43 characters.' : undefined}
                  autoComplete="off"
                  spellCheck={false}
                  w={520}
                />
                <Button type="submit" disabled={!FINGERPRINT.test(fingerprint)} loading={keep.isPending}>
                  Keep it
                </Button>
              </Group>
              {keep.isError && (
                <Alert mt="sm" color="red" role="alert">
                  {keep.error.message}
                </Alert>
              )}
            </form>
          )}
        </Card>
      )}
    </Stack>
  );
}
