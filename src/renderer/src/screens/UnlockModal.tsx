import { Alert, Anchor, Button, Group, Loader, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { call } from '../ipc/call';
import { UpgradeProgress } from './UpgradeProgress';

/** Core messages may start in lower case ("wrong passphrase or unknown user"). */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export interface UnlockTarget {
  token: string;
  displayName: string;
  lastUser: string | null;
}

/** Unlock with a user's passphrase, or with the recovery key. */
export function UnlockModal({ target, onClose }: { target: UnlockTarget | null; onClose: () => void }) {
  const client = useQueryClient();
  const [user, setUser] = useState(target?.lastUser ?? '');
  const [secret, setSecret] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const unlock = useMutation({
    mutationFn: (input: Parameters<typeof window.custodian.vault.unlock>[0]) => call(window.custodian.vault.unlock(input)),
    onSuccess: async () => {
      setSecret('');
      await client.invalidateQueries({ queryKey: ['vault.status'] });
      onClose();
    },
    onError: () => {
      setSecret('');
    },
  });

  if (!target) return null;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!secret) return;
    unlock.mutate(useRecovery ? { location: target.token, recoveryKey: secret } : { location: target.token, user: user.trim(), passphrase: secret });
  };

  return (
    <Modal
      opened
      onClose={() => !unlock.isPending && onClose()}
      title={`Unlock ${target.displayName}`}
      closeOnClickOutside={false}
      closeButtonProps={{ 'aria-label': 'Dismiss', disabled: unlock.isPending }}
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          {!useRecovery && (
            <TextInput
              label="User name"
              value={user}
              onChange={(e) => setUser(e.currentTarget.value)}
              required
              autoComplete="username"
              data-autofocus={!target.lastUser || undefined}
            />
          )}
          <PasswordInput
            label={useRecovery ? 'Recovery key' : 'Passphrase'}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            required
            autoComplete={useRecovery ? 'off' : 'current-password'}
            data-autofocus={useRecovery || Boolean(target.lastUser) || undefined}
          />
          <Anchor
            component="button"
            type="button"
            size="sm"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setSecret('');
              unlock.reset();
            }}
          >
            {useRecovery ? 'Use a passphrase instead' : 'Use the recovery key instead'}
          </Anchor>
          {unlock.isError && (
            <Alert color="red" title="Not unlocked" role="alert">
              {sentence(unlock.error.message)} After repeated failures Custodian waits longer before each new attempt.
            </Alert>
          )}
          {unlock.isPending && (
            <UpgradeProgress>
              <Group gap="xs" role="status">
                <Loader size="sm" />
                <Text size="sm">Checking… (deriving the key takes about a second)</Text>
              </Group>
            </UpgradeProgress>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={unlock.isPending}>
              Cancel
            </Button>
            <Button type="submit" disabled={!secret || (!useRecovery && !user.trim()) || unlock.isPending}>
              Unlock
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
