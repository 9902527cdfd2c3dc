import { Alert, AppShell, Button, Group, Progress, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { call } from '../ipc/call';
import { usePolledJob } from '../ipc/usePolledJob';
import { formatBytes } from '../packets/packetFormat';
import { FileList } from './FileList';
import { PacketFileView } from './PacketFileView';
import { SamplePanel } from './SamplePanel';
import { VerdictPanel } from './VerdictPanel';
import { WorkbookSheets } from './WorkbookSheets';

const status = (jobId: string) => window.custodian.auditor.status({ jobId });

/**
 * Auditor mode: a received packet, opened read-only without any vault. It is verified first
 * (every file hashed, the signature, the checkpoint and proofs), the verdict shown file by file;
 * then it can be browsed: the report, the workbook's sheets, the evidence in the viewer, the
 * sample and the requests. Nothing is written anywhere.
 */
export function AuditorMode({ packet, onClose }: { packet: { token: string; displayName: string }; onClose: () => void }) {
  const open = useQuery({
    queryKey: ['auditor.open', packet.token],
    queryFn: () => call(window.custodian.auditor.open({ file: packet.token })),
    staleTime: Infinity,
    gcTime: 0,
  });
  const job = usePolledJob(open.data?.jobId ?? null, status);
  const cancel = useMutation({ mutationFn: (jobId: string) => call(window.custodian.auditor.cancel({ jobId })) });
  useEffect(
    () => () => {
      void window.custodian.auditor.close({});
    },
    [],
  );
  const result = job?.state === 'done' ? job.result : null;
  const files = result?.files ?? [];
  const evidence = files.filter((f) => f.path.startsWith('data/evidence/'));
  const requests = files.filter((f) => f.path.startsWith('data/requests/') && f.path.endsWith('/request.txt'));
  const readable = result !== null && files.length > 0;

  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between">
          <Group gap="sm">
            <Text fw={700}>Custodian</Text>
            <Text c="gray.7">/</Text>
            <Title order={1} size="h5" fw={500}>
              Auditor mode: {packet.displayName}
            </Title>
          </Group>
          <Button size="xs" variant="default" onClick={onClose}>
            Close the packet
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Stack gap="md" maw={1200}>
          {open.isError && (
            <Alert color="red" role="alert" title="The packet could not be opened">
              {open.error.message}
            </Alert>
          )}
          {job?.state === 'running' && (
            <Stack gap={6}>
              <Text size="sm" role="status">
                Verifying every file: {formatBytes(job.done)} of {formatBytes(job.total)}
              </Text>
              <Progress value={job.total > 0 ? (100 * job.done) / job.total : 0} aria-label="Verification progress" />
              <Group>
                <Button size="xs" variant="default" onClick={() => open.data && cancel.mutate(open.data.jobId)}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          )}
          {job?.state === 'failed' && (
            <Alert color="red" role="alert" title="The packet could not be checked">
              {job.error?.message}
            </Alert>
          )}
          {job?.state === 'cancelled' && <Alert title="Cancelled">The packet was not checked. Close it, or open it again.</Alert>}
          {result && <VerdictPanel verdict={result.verdict} fileName={result.fileName} />}
          {readable && (
            <Tabs defaultValue="report" keepMounted={false}>
              <Tabs.List aria-label="Packet contents">
                <Tabs.Tab value="report">Report</Tabs.Tab>
                <Tabs.Tab value="workbook">Workbook</Tabs.Tab>
                <Tabs.Tab value="evidence">Evidence ({evidence.length})</Tabs.Tab>
                <Tabs.Tab value="sample">Sample</Tabs.Tab>
                <Tabs.Tab value="requests">Requests ({requests.length})</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="report" pt="sm">
                <PacketFileView path="data/report.pdf" />
              </Tabs.Panel>
              <Tabs.Panel value="workbook" pt="sm">
                <WorkbookSheets />
              </Tabs.Panel>
              <Tabs.Panel value="evidence" pt="sm">
                <FileList files={evidence} label="Evidence files" strip="data/evidence/" empty="This packet carries no evidence files." />
              </Tabs.Panel>
              <Tabs.Panel value="sample" pt="sm">
                <SamplePanel />
              </Tabs.Panel>
              <Tabs.Panel value="requests" pt="sm">
                <FileList files={requests} label="Requests" strip="data/requests/" empty="No request list was answered in this packet." />
              </Tabs.Panel>
            </Tabs>
          )}
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
