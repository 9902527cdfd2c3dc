import { Alert, Button, Group, Modal, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call } from '../ipc/call';
import { formatSize } from './evidenceFormat';

/** What the new file will document, chosen where "Add evidence…" was pressed. */
export interface AddTarget {
  personId?: string;
  /** A completion (the training the file evidences). */
  completionId?: string;
  /** Shown to the user: "Lovelace, Ada · BBP 2024-10-01". */
  label?: string;
  /** An older file the new one replaces. */
  replaces?: string;
}

type Phase =
  | { step: 'choose' }
  | { step: 'chosen'; token: string; name: string }
  | { step: 'adding'; jobId: string; name: string; bytes: number; total: number }
  | { step: 'done'; name: string; size: number };

/**
 * Rendered while open (closing unmounts it, so each opening starts afresh). Adds one file: the main process's file dialog picks it (the renderer sees a token, never a
 * path), core encrypts it as a job with a progress bar (cancellable until sealed), linked to
 * the record it documents, with its document date (default: the training's date).
 */
export function AddEvidenceModal({ target, onClose }: { target: AddTarget; onClose: () => void }) {
  const client = useQueryClient();
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [documentDate, setDocumentDate] = useState('');
  const [error, setError] = useState<string | null>(null);

  const jobId = phase.step === 'adding' ? phase.jobId : null;
  useEffect(() => {
    if (jobId === null) return;
    const timer = setInterval(() => {
      void call(window.custodian.evidence.addStatus({ jobId })).then(
        async (status) => {
          if (status.state === 'running') {
            setPhase((p) => (p.step === 'adding' ? { ...p, bytes: status.bytes, total: status.total } : p));
            return;
          }
          clearInterval(timer);
          if (status.state === 'done' && status.result) {
            setPhase({ step: 'done', name: status.result.fileName, size: status.result.size });
            await Promise.all([
              client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('evidence') || String(q.queryKey[0]).startsWith('records.') }),
              client.invalidateQueries({ queryKey: ['compliance'] }),
            ]);
          } else {
            setError(status.error?.message ?? 'The file was not added.');
            setPhase({ step: 'choose' });
          }
        },
        (reason: unknown) => {
          clearInterval(timer);
          setError(reason instanceof Error ? reason.message : 'The upload stopped.');
        },
      );
    }, 200);
    return () => clearInterval(timer);
  }, [jobId, client]);

  const choose = async () => {
    setError(null);
    try {
      const { file } = await call(window.custodian.evidence.chooseFile());
      if (file) setPhase({ step: 'chosen', token: file.token, name: file.displayName });
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : 'No file was chosen.');
    }
  };
  const start = async () => {
    if (phase.step !== 'chosen') return;
    setError(null);
    try {
      const { jobId: started } = await call(
        window.custodian.evidence.add({
          file: phase.token,
          ...(target.personId ? { personId: target.personId } : {}),
          ...(target.completionId ? { links: [{ kind: 'completion' as const, id: target.completionId }] } : {}),
          ...(documentDate ? { documentDate } : {}),
          ...(target.replaces ? { replaces: target.replaces } : {}),
        }),
      );
      setPhase({ step: 'adding', jobId: started, name: phase.name, bytes: 0, total: 0 });
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : 'The file was not added.');
    }
  };
  const cancel = () => {
    if (phase.step === 'adding') void window.custodian.evidence.addCancel({ jobId: phase.jobId });
    onClose();
  };

  return (
    <Modal opened onClose={cancel} title={target.replaces ? 'Replace evidence' : 'Add evidence'} size="md" closeButtonProps={{ 'aria-label': 'Dismiss' }}>
      <Stack gap="sm">
        <Text size="sm">
          Documents: <strong>{target.label ?? 'no record yet (link it later)'}</strong>
        </Text>
        {(phase.step === 'choose' || phase.step === 'chosen') && (
          <>
            <Group>
              <Button variant="default" onClick={() => void choose()}>
                Choose file…
              </Button>
              <Text size="sm" data-testid="add-evidence-file">
                {phase.step === 'chosen' ? phase.name : 'No file chosen'}
              </Text>
            </Group>
            <TextInput
              type="date"
              label="Document date"
              description="The day the document speaks for. Leave empty for the training's date (or today, for a file linked to no training)."
              value={documentDate}
              onChange={(e) => setDocumentDate(e.currentTarget.value)}
            />
          </>
        )}
        {phase.step === 'adding' && (
          <Stack gap={4}>
            <Text size="sm">Encrypting {phase.name}…</Text>
            <Progress value={phase.total > 0 ? (100 * phase.bytes) / phase.total : 0} aria-label="Encrypting the file" />
            <Text size="xs" c="gray.7">
              {formatSize(phase.bytes)} of {formatSize(phase.total)}
            </Text>
          </Stack>
        )}
        {phase.step === 'done' && (
          <Alert color="teal" role="status" data-testid="add-evidence-done">
            {phase.name} ({formatSize(phase.size)}) is encrypted in the vault and awaits review.
          </Alert>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          {phase.step === 'done' ? (
            <Button onClick={onClose}>Close</Button>
          ) : (
            <>
              <Button variant="default" onClick={cancel}>
                Cancel
              </Button>
              <Button onClick={() => void start()} disabled={phase.step !== 'chosen'} loading={phase.step === 'adding'}>
                Add to vault
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
