import { Alert, Button, Card, Code, Group, Loader, Modal, PasswordInput, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Role } from '../../../shared/roles';
import { call } from '../ipc/call';
import { usePolledJob } from '../ipc/usePolledJob';
import { PacketPreview } from './PacketPreview';
import { PacketScopeForm } from './PacketScopeForm';
import type { ScopeDraft } from './PacketScopeForm';
import { formatBytes, PHASE_LABELS } from './packetFormat';
import { recipientsOf, scopeOf, scopeProblem } from './packetScope';

const today = () => new Date().toISOString().slice(0, 10);
const yearStart = () => `${String(new Date().getFullYear())}-01-01`;
const status = (jobId: string) => window.custodian.packet.status({ jobId });

/**
 * The packet builder: scope, audience and sampling; a preview of the sample, every exception and
 * every unanswered request; then the build, signed by the officer (user name and passphrase
 * again), with progress and cancel, and the result with its fingerprint. Officers and admins.
 */
export function PacketBuilderScreen({ role }: { role: Role }) {
  const allowed = role === 'admin' || role === 'officer';
  const options = useQuery({ queryKey: ['packet.options'], queryFn: () => call(window.custodian.packet.options({})), enabled: allowed });
  const [draft, setDraft] = useState<ScopeDraft>({
    frameworks: [],
    from: yearStart(),
    to: today(),
    units: [],
    roles: [],
    sites: [],
    audience: 'auditor',
    sample: 'auto',
    size: 25,
    confidence: 95,
    rate: 10,
    seed: '',
    organisation: '',
    useRequests: false,
    includeUnredacted: false,
    recipients: '',
  });
  const [signing, setSigning] = useState<{ file: string; displayName: string } | null>(null);
  const [userName, setUserName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const job = usePolledJob(jobId, status);
  const problem = scopeProblem(draft);

  const preview = useMutation({ mutationFn: () => call(window.custodian.packet.preview({ scope: scopeOf(draft) })) });
  const choose = useMutation({
    mutationFn: () => {
      const encrypted = recipientsOf(draft).length > 0;
      return call(window.custodian.packet.chooseFile({ suggestedName: `audit packet ${draft.to}.zip${encrypted ? '.age' : ''}` }));
    },
    onSuccess: ({ file }) => {
      if (file) setSigning({ file: file.token, displayName: file.displayName });
    },
  });
  const build = useMutation({
    mutationFn: (file: string) =>
      call(window.custodian.packet.build({ scope: scopeOf(draft), file, recipients: recipientsOf(draft), userName: userName.trim(), passphrase })),
    onSuccess: ({ jobId: started }) => {
      setPassphrase('');
      setSavedTo(signing?.file ?? null);
      setSigning(null);
      setJobId(started);
    },
  });
  const cancel = useMutation({ mutationFn: (id: string) => call(window.custodian.packet.cancel({ jobId: id })) });
  const show = useMutation({ mutationFn: (file: string) => call(window.custodian.packet.showInFolder({ file })) });

  if (!allowed) {
    return (
      <Alert title="Audit packets are built by officers and administrators" color="gray">
        As {role === 'auditor' ? 'an auditor' : `a ${role}`} you cannot build packets. To check a packet you received, lock the vault and choose “Open a
        received packet…” on the start screen.
      </Alert>
    );
  }
  if (options.isPending) return <Loader aria-label="Loading the packet builder" />;
  if (options.isError) {
    return (
      <Alert color="red" role="alert" title="The packet builder could not load">
        {options.error.message}
      </Alert>
    );
  }
  const running = job?.state === 'running';
  const result = job?.state === 'done' ? job.result : null;
  const percent = job && job.total > 0 ? Math.min(100, (100 * job.done) / job.total) : 0;

  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} size="h3">
        Audit packets
      </Title>
      <Text size="sm" c="gray.7">
        A packet is a signed BagIt bag: the report, the workbook, the records, the sample, the redacted evidence and proofs from the audit log. The auditor
        checks it with ssh-keygen and sha256sum, or with <Code>custodian packet verify</Code>, without trusting this computer.
      </Text>
      <Card withBorder padding="md">
        <PacketScopeForm draft={draft} options={options.data} onChange={setDraft} />
        <Group mt="md" gap="sm">
          <Button onClick={() => preview.mutate()} loading={preview.isPending} disabled={problem !== null || running}>
            Preview
          </Button>
          <Button
            variant="filled"

            onClick={() => choose.mutate()}
            loading={choose.isPending}
            disabled={problem !== null || running || !preview.isSuccess}
          >
            Build and sign…
          </Button>
          <Text size="sm" c={problem ? 'red.8' : 'gray.7'} role={problem ? 'status' : undefined}>
            {problem ??
              (preview.isSuccess
                ? `Signed by ${options.data.signer.printedName}, key ${options.data.signer.fingerprint}`
                : 'Preview first: see the sample and exceptions before building.')}
          </Text>
        </Group>
      </Card>
      {preview.isError && (
        <Alert color="red" role="alert" title="No preview">
          {preview.error.message}
        </Alert>
      )}
      {job && (
        <Card withBorder padding="md" data-testid="packet-job">
          {running && (
            <Stack gap={6}>
              <Text size="sm" role="status">
                {PHASE_LABELS[job.phase]}
                {job.phase === 'evidence' ? `: ${formatBytes(job.done)} of ${formatBytes(job.total)}` : '…'}
              </Text>
              <Progress value={job.phase === 'evidence' ? percent : 100} animated={job.phase !== 'evidence'} aria-label="Packet build progress" />
              <Group>
                <Button size="xs" variant="default" onClick={() => jobId && cancel.mutate(jobId)} loading={cancel.isPending}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          )}
          {job.state === 'failed' && (
            <Alert color="red" role="alert" title="The packet was not built">
              {job.error?.message ?? 'Nothing was written.'}
            </Alert>
          )}
          {job.state === 'cancelled' && (
            <Alert color="gray" role="status" title="Cancelled">
              Nothing was written and nothing was logged.
            </Alert>
          )}
          {result && (
            <Stack gap={4} data-testid="packet-result">
              <Text fw={600}>
                Packet {result.packetId} saved as {result.fileName}
              </Text>
              <Text size="sm">
                {result.files} files, {formatBytes(result.bytes)}
                {result.encrypted ? ', encrypted with age' : ''}; {result.evidence} evidence file(s), {result.exceptions} exception(s)
                {result.unansweredRequests ? `, ${String(result.unansweredRequests)} UNANSWERED request(s)` : ''}.
              </Text>
              <Text size="sm">
                Signed by {result.signer} with key <Code data-testid="packet-fingerprint">{result.fingerprint}</Code>. Give the auditor this fingerprint by
                another channel (phone, letter).
              </Text>
              <Text size="xs" c="gray.7">
                tagmanifest SHA-256 {result.tagmanifestSha256} (recorded in the audit log)
              </Text>
              <Group mt={4}>
                <Button size="xs" variant="default" onClick={() => savedTo && show.mutate(savedTo)}>
                  Show in folder
                </Button>
              </Group>
            </Stack>
          )}
        </Card>
      )}
      {preview.isSuccess && <PacketPreview preview={preview.data} />}
      <Modal opened={signing !== null} onClose={() => setSigning(null)} title="Sign the audit packet" centered closeButtonProps={{ 'aria-label': 'Dismiss' }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (signing) build.mutate(signing.file);
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              Your electronic signature over the packet&apos;s tag manifest says:{' '}
              <b>I, {options.data.signer.printedName}, exported this packet from the vault</b> (saved as {signing?.displayName}). Enter your user name and
              passphrase.
            </Text>
            <TextInput
              label="User name"
              required
              value={userName}
              onChange={(e) => setUserName(e.currentTarget.value)}
              autoComplete="username"
              data-autofocus
            />
            <PasswordInput
              label="Passphrase"
              required
              value={passphrase}
              onChange={(e) => setPassphrase(e.currentTarget.value)}
              autoComplete="current-password"
            />
            {build.isError && (
              <Text size="sm" c="red.8" role="alert">
                {build.error.message}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setSigning(null)}>
                Cancel
              </Button>
              <Button type="submit" loading={build.isPending} disabled={userName.trim() === '' || passphrase === ''}>
                Sign and build
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
