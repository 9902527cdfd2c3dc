import { Alert, Button, Group, Modal, PasswordInput, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { IpcCallError, call } from '../ipc/call';

export interface SignItem {
  evidenceId: string;
  fileName: string;
  /** The stamp of the file as shown: core refuses to sign a file that changed since. */
  stamp: string;
}

interface SignDialogProps {
  items: readonly SignItem[];
  decision: 'accept' | 'reject' | null;
  onClose: () => void;
  onSigned?: () => void;
}

/**
 * The electronic signature of a review (21 CFR 11.50, 11.200): the signer re-enters their
 * passphrase (and, the first time in a session, their user name); the dialog states what the
 * signature means before it is made. One signature per file, made together: all or none.
 */
export function SignDialog({ items, decision, onClose, onSigned }: SignDialogProps) {
  const client = useQueryClient();
  const [userName, setUserName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [meaning, setMeaning] = useState<'approved' | 'reviewed'>('approved');
  const [reason, setReason] = useState('');
  const state = useQuery({
    queryKey: ['evidence.signingState'],
    queryFn: () => call(window.custodian.evidence.signingState()),
    enabled: decision !== null,
    staleTime: 0,
  });
  const sign = useMutation({
    mutationFn: () =>
      call(
        window.custodian.evidence.review({
          items: items.map((i) => ({
            evidenceId: i.evidenceId,
            stamp: i.stamp,
            decision: decision ?? 'accept',
            ...(decision === 'accept' ? { meaning } : { reason: reason.trim() }),
          })),
          ...(state.data?.needsUserName ? { userName: userName.trim() } : {}),
          passphrase,
        }),
      ),
    onSuccess: async () => {
      setPassphrase('');
      setReason('');
      // The score, the lists and the person panels all read review states.
      await Promise.all([
        client.invalidateQueries({ queryKey: ['compliance'] }),
        client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('evidence') || String(q.queryKey[0]).startsWith('records.') }),
      ]);
      onSigned?.();
      onClose();
    },
    onError: () => setPassphrase(''),
  });
  const close = () => {
    setPassphrase('');
    sign.reset();
    onClose();
  };
  const rejecting = decision === 'reject';
  const needsName = state.data?.needsUserName ?? true;
  const ready = passphrase.length > 0 && (!needsName || userName.trim().length > 0) && (!rejecting || reason.trim().length > 0);
  const what = items.length === 1 ? (items[0]?.fileName ?? '') : `${String(items.length)} files`;
  return (
    <Modal opened={decision !== null} onClose={close} title={rejecting ? `Reject ${what}` : `Accept ${what}`} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) sign.mutate();
        }}
      >
        <Stack gap="sm">
          {!rejecting && (
            <Radio.Group label="This signature means" value={meaning} onChange={(v) => setMeaning(v)}>
              <Group mt={4}>
                <Radio value="approved" label="Approved" />
                <Radio value="reviewed" label="Reviewed" />
              </Group>
            </Radio.Group>
          )}
          {rejecting && (
            <Textarea
              label="Reason for rejecting"
              description="Recorded with the signature and shown wherever this file is shown."
              required
              autosize
              minRows={2}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              data-autofocus
            />
          )}
          {needsName && (
            <TextInput
              label="User name"
              description="The first signature of a session needs your user name and passphrase."
              autoComplete="username"
              required
              value={userName}
              onChange={(e) => setUserName(e.currentTarget.value)}
              {...(!rejecting ? { 'data-autofocus': true } : {})}
            />
          )}
          <PasswordInput
            label="Passphrase"
            autoComplete="current-password"
            required
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
            {...(!needsName && !rejecting ? { 'data-autofocus': true } : {})}
          />
          <Text size="sm" c="gray.8" data-testid="signature-statement">
            You are signing as {state.data?.userName ?? '…'}. Your printed name, the date and time, and the meaning “{rejecting ? 'rejected' : meaning}” are
            recorded with a signature over {items.length === 1 ? 'this file' : 'each file'} and what it is linked to.
          </Text>
          {sign.isError && (
            <Alert color="red" role="alert">
              {sign.error instanceof IpcCallError && sign.error.code === 'wrong_passphrase'
                ? 'Wrong passphrase (or user name): nothing was signed. Failed attempts count toward the unlock delay.'
                : sign.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color={rejecting ? 'red' : 'teal'} loading={sign.isPending} disabled={!ready}>
              {rejecting ? 'Sign and reject' : 'Sign and accept'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
