import { Alert, Badge, Button, Divider, Drawer, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../ipc/call';
import { EvidenceViewer } from './EvidenceViewer';
import { STATE_COLORS, STATE_LABELS, formatSize, linksLabel, personLabel } from './evidenceFormat';
import { SignDialog } from './SignDialog';

function Field({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
      <Text size="sm" {...(testId ? { 'data-testid': testId } : {})}>
        {value}
      </Text>
    </div>
  );
}

/**
 * One file: what it documents, its state, every signed review (each signature checked by core
 * when shown), the original in the viewer, and Accept / Reject (an electronic signature).
 */
export function EvidenceDrawer({ evidenceId, onClose, onOpen }: { evidenceId: string | null; onClose: () => void; onOpen: (id: string) => void }) {
  const [decision, setDecision] = useState<'accept' | 'reject' | null>(null);
  const detail = useQuery({
    queryKey: ['evidence.detail', evidenceId],
    queryFn: () => call(window.custodian.evidence.detail({ evidenceId: evidenceId ?? '' })),
    enabled: evidenceId !== null,
  });
  const d = detail.data;
  const item = d?.item;
  const canSign = d !== undefined && d.canReview && !d.selfReviewBarred && item?.state !== 'superseded';
  return (
    <Drawer opened={evidenceId !== null} onClose={onClose} position="right" size="80%" title={item ? item.fileName : 'Evidence'}>
      {detail.isPending && <Loader size="sm" aria-label="Loading the file's details" />}
      {detail.isError && (
        <Alert color="red" role="alert">
          {detail.error.message}
        </Alert>
      )}
      {d && item && (
        <Stack gap="md">
          <Group justify="space-between">
            <Group gap="xs">
              <Badge color={STATE_COLORS[item.state]} variant="light" data-testid="evidence-state">
                {STATE_LABELS[item.state]}
              </Badge>
              {d.replacedBy && (
                <Button size="compact-xs" variant="subtle" onClick={() => onOpen(d.replacedBy ?? '')}>
                  Open the file that replaces it
                </Button>
              )}
              {d.replaces && (
                <Button size="compact-xs" variant="subtle" onClick={() => onOpen(d.replaces ?? '')}>
                  Open the file it replaces
                </Button>
              )}
            </Group>
            {d.canReview && (
              <Group gap="xs">
                <Button color="teal" size="xs" disabled={!canSign} onClick={() => setDecision('accept')}>
                  Accept…
                </Button>
                <Button color="red" variant="outline" size="xs" disabled={!canSign} onClick={() => setDecision('reject')}>
                  Reject…
                </Button>
              </Group>
            )}
          </Group>
          {d.selfReviewBarred && (
            <Alert color="yellow" title="Another reviewer must sign this">
              You added this file, and this vault's policy does not let your role review its own uploads.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
            <Field label="Person" value={personLabel(item.person)} testId="evidence-person" />
            <Field label="Linked to" value={linksLabel(item.links)} />
            <Field label="Document date" value={item.documentDate} />
            <Field label="Added" value={`${item.addedAt.slice(0, 10)} by ${item.addedBy}`} />
            <Field label="Type" value={item.mediaType} />
            <Field label="Size" value={formatSize(item.size)} />
            <Field label="Unit" value={item.person?.unit ?? '—'} />
            {item.person && <Field label="Pseudonym" value={item.person.pseudonym} />}
          </SimpleGrid>
          <div>
            <Title order={3} size="h5" mb={4}>
              Signatures
            </Title>
            {d.reviews.length === 0 ? (
              <Text size="sm" c="gray.7">
                Not reviewed yet.
              </Text>
            ) : (
              <Stack gap={6} data-testid="evidence-signatures">
                {d.reviews.map((r, i) => (
                  <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                    <Badge color={r.state === 'accepted' ? 'teal' : 'red'} variant="light" miw={86}>
                      {r.state === 'accepted' ? 'Accepted' : 'Rejected'}
                    </Badge>
                    <div>
                      <Text size="sm" data-testid="signature-line">
                        Signed by {r.printedName ?? r.userName} ({r.userName}) on {r.at.slice(0, 10)} at {r.at.slice(11, 19)} UTC · meaning: {r.meaning ?? '—'}
                        {r.reason ? ` · reason: ${r.reason}` : ''}
                      </Text>
                      <Text size="xs" c={r.signature.valid ? 'teal.9' : 'red.8'} data-testid="signature-check">
                        {r.signature.valid
                          ? 'Signature verified against this file, its links, the signed audit log and the signer’s key.'
                          : r.signature.counts
                            ? `Not signed: ${r.signature.problem ?? ''}.`
                            : `Signature not valid: ${r.signature.problem ?? ''}. This review does not count.`}
                      </Text>
                      {i > 0 && (
                        <Text size="xs" c="gray.7">
                          Superseded by the later review above.
                        </Text>
                      )}
                    </div>
                  </Group>
                ))}
              </Stack>
            )}
          </div>
          <Divider />
          {d.canView ? (
            <EvidenceViewer key={item.evidenceId} evidenceId={item.evidenceId} />
          ) : (
            <Text size="sm" c="gray.7">
              Your role does not open original files; auditors receive evidence redacted, in audit packets.
            </Text>
          )}
        </Stack>
      )}
      <SignDialog
        items={item ? [{ evidenceId: item.evidenceId, fileName: item.fileName, stamp: item.stamp }] : []}
        decision={decision}
        onClose={() => setDecision(null)}
      />
    </Drawer>
  );
}
