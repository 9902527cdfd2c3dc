import { Alert, Button, Card, Code, Group, Progress, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SyntheticEvent } from 'react';
import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/ipc/contract';
import type { Role } from '../../../shared/roles';
import { call } from '../ipc/call';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * The audit log: verify it in full, see which key began it and whether this computer keeps that
 * key's fingerprint (the anchor outside the vault); keep it from the recovery sheet if not. An
 * administrator may acknowledge, in the log, a log that no longer matches its head.
 */
export function AuditLogScreen({ role }: { role: Role }) {
  const client = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  /** The problem an administrator just acknowledged, shown until the screen is left. */
  const [acknowledged, setAcknowledged] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => call(window.custodian.vault.verifyLog()),
    // The last run's result leaves the screen as a new one starts.
    onMutate: () => setJobId(null),
    onSuccess: ({ jobId: id }) => setJobId(id),
  });
  const status = useQuery({
    queryKey: ['vault.verifyStatus', jobId],
    queryFn: () => call(window.custodian.vault.verifyStatus({ jobId: jobId ?? '' })),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 250 : false),
  });
  const cancel = useMutation({ mutationFn: () => call(window.custodian.vault.verifyCancel({ jobId: jobId ?? '' })) });
  const keep = useMutation({
    mutationFn: (fingerprint: string) => call(window.custodian.vault.keepFingerprint({ fingerprint })),
    onSuccess: () => start.mutate(),
  });
  const running = start.isPending || status.data?.state === 'running' || (jobId !== null && !status.data && !status.isError);
  const finished = status.data?.state === 'done';
  // A finished verification decides the dashboard's integrity component: recompute it.
  useEffect(() => {
    if (finished) void client.invalidateQueries({ queryKey: ['compliance'] });
  }, [finished, client]);
  const [typed, setTyped] = useState('');
  const fingerprint = typed.trim();
  const result = status.data?.result ?? null;

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
          <Button variant="default" onClick={() => start.mutate()} disabled={running}>
            Verify the log
          </Button>
        </Group>
        {running && status.data && <VerifyProgress status={status.data} onCancel={() => cancel.mutate()} />}
        {status.data?.state === 'cancelled' && (
          <Alert mt="sm" color="gray" role="status" data-testid="log-result">
            Verification cancelled: nothing was decided. The dashboard keeps what the last finished verification found.
          </Alert>
        )}
        {status.data?.state === 'failed' && (
          <Alert mt="sm" color="red" role="alert">
            {status.data.error?.message}
          </Alert>
        )}
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
        {acknowledged && (
          <Alert mt="sm" color="teal" role="status" data-testid="acknowledged">
            {`Acknowledged in the log: ${acknowledged}.`}
          </Alert>
        )}
        {result?.headMismatch && role === 'admin' && (
          <Acknowledge
            onDone={(problem) => {
              setAcknowledged(problem);
              start.mutate();
            }}
          />
        )}
        {start.isError && (
          <Alert mt="sm" color="red" role="alert">
            {start.error.message}
          </Alert>
        )}
        {status.isError && (
          <Alert mt="sm" color="red" role="alert">
            {status.error.message}
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

type VerifyStatus = ChannelOutput<'custodian:vault.verifyStatus'>;

const MIB = 1024 * 1024;

/** The running verification: the log phase (not measurable), then files and bytes decrypted. */
function VerifyProgress({ status, onCancel }: { status: VerifyStatus; onCancel: () => void }) {
  const evidence = status.phase === 'evidence' && status.totalBytes > 0;
  const percent = evidence ? Math.floor((status.bytes / status.totalBytes) * 100) : 100;
  return (
    <Stack gap={4} mt="sm" role="status">
      <Progress value={percent} animated={!evidence} striped={!evidence} aria-label="Verification in progress" />
      <Group justify="space-between">
        <Text size="sm" data-testid="verify-progress">
          {status.phase === 'log'
            ? 'Checking entries, checkpoints and the chain of signing keys…'
            : `Evidence: ${status.done.toLocaleString('en')} of ${status.total.toLocaleString('en')} files, ${(status.bytes / MIB).toFixed(1)} of ${(status.totalBytes / MIB).toFixed(1)} MiB decrypted and hashed`}
        </Text>
        <Button size="xs" variant="default" onClick={onCancel} aria-label="Cancel the verification">
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * While the log does not match its head nothing is written; an administrator who has looked into
 * it says what was found and done, and that goes into the log. Core refuses it (with the reason)
 * when the problem is of another kind, e.g. a damaged entry or blob.
 */
function Acknowledge({ onDone }: { onDone: (problem: string) => void }) {
  const [reason, setReason] = useState('');
  const acknowledge = useMutation({
    mutationFn: () => call(window.custodian.vault.acknowledgeLogProblem({ reason })),
    onSuccess: ({ problem }) => {
      setReason('');
      onDone(problem);
    },
  });
  const tooShort = reason.trim().length < 10;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!tooShort) acknowledge.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="acknowledge-title">
      <Title order={3} size="h5" mt="md" id="acknowledge-title">
        Acknowledge in the log
      </Title>
      <Text size="sm" c="gray.7">
        If the log no longer matches its head (log.head deleted or damaged, or the vault restored from an older copy), nothing is written until an administrator
        records here what was found and done. The acknowledgement, with the problem it names, becomes an entry of the log.
      </Text>
      <Textarea
        mt="xs"
        label="What was found and done"
        placeholder="e.g. log.head lost when the laptop's disk was replaced; vault restored from the 3 March backup"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        minRows={2}
        maxLength={1000}
      />
      <Group justify="flex-end" mt="xs">
        <Button type="submit" color="red" variant="light" disabled={tooShort} loading={acknowledge.isPending}>
          Acknowledge
        </Button>
      </Group>
      {acknowledge.isError && (
        <Alert mt="sm" color="red" role="alert">
          {acknowledge.error.message}
        </Alert>
      )}
    </form>
  );
}
