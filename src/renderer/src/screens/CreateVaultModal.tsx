import type { RecoverySheet } from './RecoveryKeyScreen';
import { Alert, Button, Group, Loader, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { ratePassphrase } from '../../../shared/passphraseStrength';
import { PassphraseMeter } from '../components/PassphraseMeter';
import { call } from '../ipc/call';

interface Location {
  token: string;
  displayName: string;
}

export interface CreateVaultModalProps {
  opened: boolean;
  onClose: () => void;
  /** Receives the recovery key, to be shown once before anything else. */
  onCreated: (sheet: RecoverySheet) => void;
}

/** Name, folder (main-process dialog), administrator and passphrase with a strength meter. */
export function CreateVaultModal({ opened, onClose, onCreated }: CreateVaultModalProps) {
  const [name, setName] = useState('');
  const [user, setUser] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [location, setLocation] = useState<Location | null>(null);

  const choose = useMutation({
    mutationFn: () => call(window.custodian.vault.chooseLocation({ purpose: 'create' })),
    onSuccess: (result) => {
      if (result.location) setLocation(result.location);
    },
  });
  const create = useMutation({
    mutationFn: (input: { location: string; name: string; user: string; passphrase: string }) => call(window.custodian.vault.create(input)),
    onSuccess: (result) => {
      setPassphrase('');
      setConfirm('');
      onCreated({ recoveryKey: result.recoveryKey, genesisFingerprint: result.genesisFingerprint });
    },
  });

  const strong = ratePassphrase(passphrase, [user, name]).acceptable;
  const mismatch = confirm.length > 0 && confirm !== passphrase;
  const ready = name.trim() && user.trim() && location && strong && confirm === passphrase && !create.isPending;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!ready) return;
    create.mutate({ location: location.token, name: name.trim(), user: user.trim(), passphrase });
  };

  const close = () => {
    if (create.isPending) return;
    setPassphrase('');
    setConfirm('');
    create.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Create a vault" size="lg" closeOnClickOutside={false}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label="Vault name"
            description="For example the organisation or site."
            placeholder="St Mary Regional Hospital"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            data-autofocus
          />
          <div>
            <Text size="sm" fw={500} mb={4}>
              Folder
            </Text>
            <Group gap="sm">
              <Button variant="default" onClick={() => choose.mutate()} loading={choose.isPending}>
                Choose folder…
              </Button>
              <Text size="sm" c={location ? 'dark' : 'gray.7'} data-testid="chosen-folder">
                {location ? `${location.displayName}/${name.trim() || 'NAME'}.custodian` : 'No folder chosen yet.'}
              </Text>
            </Group>
          </div>
          <TextInput
            label="Your user name"
            description="You become the vault's first administrator."
            value={user}
            onChange={(e) => setUser(e.currentTarget.value)}
            required
            autoComplete="username"
          />
          <PasswordInput label="Passphrase" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} required autoComplete="new-password" />
          <PassphraseMeter passphrase={passphrase} context={[user, name]} />
          <PasswordInput
            label="Repeat the passphrase"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? 'The two passphrases differ.' : undefined}
            required
            autoComplete="new-password"
          />
          {create.isError && (
            <Alert color="red" title="The vault was not created" role="alert">
              {create.error.message}
            </Alert>
          )}
          {create.isPending && (
            <Group gap="xs" role="status">
              <Loader size="sm" />
              <Text size="sm">Creating the vault: deriving keys and encrypting the database. This takes a few seconds.</Text>
            </Group>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" disabled={!ready}>
              Create vault
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
