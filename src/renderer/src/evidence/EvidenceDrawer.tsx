import { Alert, Badge, Button, Divider, Drawer, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { call } from '../ipc/call';
import { EvidenceViewer } from './EvidenceViewer';
import { STATE_COLORS, STATE_LABELS, formatSize, linksLabel, personLabel } from './evidenceFormat';
import { SignDialog } from './SignDialog';

// The redaction workspace (and pdf.js with it) loads when first opened.
const RedactWorkspace = lazy(() => import('../redaction/RedactWorkspace').then((module) => ({ default: module.RedactWorkspace })));
/** What the app can redact (TIFF: with `custodian redact`). */
const REDACTABLE = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/tiff']);

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
  const [redacting, setRedacting] = useState(false);
  /** The file in the viewer: the original, or one of its redacted versions. */
  const [showing, setShowing] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ['evidence.detail', evidenceId],
    queryFn: () => call(window.custodian.evidence.detail({ evidenceId: evidenceId ?? '' })),
    enabled: evidenceId !== null,
  });
  const d = detail.data;
  const item = d?.item;
  const canSign = d !== undefined && d.canReview && !d.selfReviewBarred && item?.state !== 'superseded';
  return (
    // Compound parts, for the header: Mantine's is a <header>, a second banner landmark beside the app's.
    <Drawer.Root opened={evidenceId !== null} onClose={onClose} position="right" size={redacting ? '100%' : '80%'}>
      <Drawer.Overlay />
      <Drawer.Content>
        <Drawer.Header component="div">
          <Drawer.Title>{item ? item.fileName : 'Evidence'}</Drawer.Title>
          <Drawer.CloseButton aria-label="Close" />
        </Drawer.Header>
        <Drawer.Body>
          {detail.isPending && <Loader size="sm" aria-label="Loading the file's details" />}
          {detail.isError && (
            <Alert color="red" role="alert">
              {detail.error.message}
            </Alert>
          )}
          {d && item && redacting && (
            <Suspense fallback={<Loader size="sm" aria-label="Opening the redaction workspace" />}>
              <RedactWorkspace
                evidenceId={item.evidenceId}
                fileName={item.fileName}
                isPdf={item.mediaType === 'application/pdf'}
                onClose={() => setRedacting(false)}
                onSaved={(id) => {
                  setRedacting(false);
                  setShowing(id);
                }}
              />
            </Suspense>
          )}
          {d && item && !redacting && (
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
                <Group gap="xs">
                  {d.canRedact && REDACTABLE.has(item.mediaType) && (
                    <Button size="xs" variant="default" onClick={() => setRedacting(true)}>
                      Redact…
                    </Button>
                  )}
                  {d.canReview && (
                    <Group gap="xs">
                      <Button color="teal.8" size="xs" disabled={!canSign} onClick={() => setDecision('accept')}>
                        Accept…
                      </Button>
                      <Button color="red.8" variant="outline" size="xs" disabled={!canSign} onClick={() => setDecision('reject')}>
                        Reject…
                      </Button>
                    </Group>
                  )}
                </Group>
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
                            Signed by {r.printedName ?? r.userName} ({r.userName}) on {r.at.slice(0, 10)} at {r.at.slice(11, 19)} UTC · meaning:{' '}
                            {r.meaning ?? '—'}
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
              {d.redactions.length > 0 && (
                <div>
                  <Title order={3} size="h5" mb={4}>
                    Redacted versions
                  </Title>
                  <Stack gap={4} data-testid="redacted-versions">
                    {d.redactions.map((r) => (
                      <Group key={r.evidenceId} gap="xs" wrap="nowrap">
                        <Button
                          size="compact-xs"
                          variant={showing === r.evidenceId ? 'filled' : 'light'}
                          onClick={() => setShowing(showing === r.evidenceId ? null : r.evidenceId)}
                          disabled={!d.canView}
                          style={{ flexShrink: 0 }}
                        >
                          {showing === r.evidenceId ? 'Hide' : 'Show'}
                        </Button>
                        <Text size="sm">
                          {r.fileName} · {r.boxes} box{r.boxes === 1 ? '' : 'es'} on {r.pages} page{r.pages === 1 ? '' : 's'} · {r.reasons.join(', ')} ·{' '}
                          {r.addedAt.slice(0, 10)} by {r.addedBy}
                        </Text>
                      </Group>
                    ))}
                  </Stack>
                </div>
              )}
              <Divider />
              {d.canView ? (
                <Stack gap={4}>
                  {showing && (
                    <Text size="sm" fw={600} data-testid="viewer-showing">
                      Showing the redacted version.{' '}
                      <Button size="compact-xs" variant="subtle" onClick={() => setShowing(null)}>
                        Show the original
                      </Button>
                    </Text>
                  )}
                  <EvidenceViewer key={showing ?? item.evidenceId} evidenceId={showing ?? item.evidenceId} />
                </Stack>
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
        </Drawer.Body>
      </Drawer.Content>
    </Drawer.Root>
  );
}
