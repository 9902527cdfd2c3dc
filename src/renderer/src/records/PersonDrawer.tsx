import { Badge, Button, Drawer, Group, Loader, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { PERSON_COMPLIANCE_LABELS, STATUS_LABELS } from '../../../shared/compliance/complianceStatus';
import type { ChannelOutput } from '../../../shared/ipc/contract';
import { STATE_COLORS, STATE_LABELS, linksLabel } from '../evidence/evidenceFormat';
import { useNavigation } from '../navigation';
import { certificationStatus, renewedCertifications } from '../../../shared/records/certificationStatus';
import { call } from '../ipc/call';

type Certification = ChannelOutput<'custodian:records.person'>['certifications'][number];

function Field({ label, value }: { label: string; value: string | null }) {
  return (
    <div>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
      <Text size="sm">{value ?? '—'}</Text>
    </div>
  );
}

/** Today in the user's time zone, as YYYY-MM-DD. */
function localToday(): string {
  const now = new Date();
  return `${String(now.getFullYear())}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** Expired / expires within 90 days / valid, in words and a coloured dot (the text stays dark: readable). */
function ExpiryBadge({ expiresOn, today, renewed }: { expiresOn: string | null; today: string; renewed: boolean }) {
  const status = certificationStatus(expiresOn, today);
  const [color, label] = renewed
    ? ['gray', 'Renewed']
    : status.state === 'expired'
      ? ['red', 'Expired']
      : status.state === 'expiring'
        ? ['orange', status.days === 0 ? 'Expires today' : `Expires in ${String(status.days)} day${status.days === 1 ? '' : 's'}`]
        : status.state === 'valid'
          ? ['teal', 'Valid']
          : status.state === 'noExpiry'
            ? ['gray', 'No expiry']
            : ['gray', '—'];
  return (
    <Badge variant="dot" color={color} size="md" tt="none" fw={600} miw="max-content">
      {label}
    </Badge>
  );
}

function versionHistory(c: Certification): string {
  return c.versions
    .map(
      (v) =>
        `v${String(v.version)} ${v.recordedAt.slice(0, 16).replace('T', ' ')} by ${v.recordedBy}${v.reason ? ` · ${v.reason}` : ''}${v.sourceRow !== null ? ` · source row ${String(v.sourceRow)}` : ''}`,
    )
    .join('\n');
}

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

function Certifications({ certifications }: { certifications: readonly Certification[] }) {
  const today = localToday();
  const renewed = renewedCertifications(certifications);
  return (
    <div data-testid="person-certifications">
      <Title order={3} size="h5" mb={4}>
        Certifications
      </Title>
      {certifications.length === 0 ? (
        <Text size="sm" c="gray.7">
          No certifications recorded. Import a licence or certification export to add them.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={620}>
          <Table striped withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Certification · issuer</Table.Th>
                <Table.Th>Number</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Version</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {certifications.map((c) => (
                <Table.Tr key={c.certificationId}>
                  <Table.Td>
                    <Text size="sm">{c.name}</Text>
                    {c.issuer && (
                      <Text size="xs" c="gray.7">
                        {c.issuer}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={NO_WRAP}>{c.number ?? '—'}</Table.Td>
                  <Table.Td style={NO_WRAP}>{c.issuedOn ?? '—'}</Table.Td>
                  <Table.Td style={NO_WRAP}>{c.expiresOn ?? '—'}</Table.Td>
                  <Table.Td style={NO_WRAP}>
                    <ExpiryBadge expiresOn={c.expiresOn} today={today} renewed={renewed.has(c.certificationId)} />
                  </Table.Td>
                  <Table.Td
                    style={NO_WRAP}
                    title={versionHistory(c)}
                  >{`v${String(c.version)}${c.versions.length > 1 ? ` (${String(c.versions.length - 1)} earlier)` : ''}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </div>
  );
}

/** One person: current record, training history, certifications, earlier versions, evidence. */
export function PersonDrawer({ personId, onClose }: { personId: string | null; onClose: () => void }) {
  const person = useQuery({
    queryKey: ['records.person', personId],
    queryFn: () => call(window.custodian.records.person({ personId: personId ?? '' })),
    enabled: personId !== null,
  });
  const completions = useQuery({
    queryKey: ['records.completions', 'person', personId],
    queryFn: () => call(window.custodian.records.completions({ personId: personId ?? '', sort: 'completedOn', dir: 'desc', offset: 0, limit: 500 })),
    enabled: personId !== null,
  });
  const requirements = useQuery({
    queryKey: ['records.personRequirements', personId],
    queryFn: () => call(window.custodian.records.personRequirements({ personId: personId ?? '' })),
    enabled: personId !== null,
  });
  const evidence = useQuery({
    queryKey: ['evidence.list', 'person', personId],
    queryFn: () => call(window.custodian.evidence.list({ personId: personId ?? '', sort: 'documentDate', dir: 'desc', offset: 0, limit: 500 })),
    enabled: personId !== null,
  });
  const navigation = useNavigation();
  const p = person.data;
  const who = p ? (p.masked ? p.pseudonym : p.name) : '';
  return (
    <Drawer.Root opened={personId !== null} onClose={onClose} position="right" size="xl">
      <Drawer.Overlay />
      <Drawer.Content>
        {/* A <header> inside the dialog would be a second banner landmark beside the app's. */}
        <Drawer.Header role="group">
          <Drawer.Title>{p ? (p.masked ? `Person ${p.pseudonym}` : p.name) : 'Person'}</Drawer.Title>
          <Drawer.CloseButton aria-label="Close" />
        </Drawer.Header>
        <Drawer.Body>
          {person.isPending && <Loader size="sm" />}
          {person.isError && <Text c="red.8">{person.error.message}</Text>}
          {p && (
            <Stack gap="md">
              <SimpleGrid cols={3} spacing="sm">
                <Field label="Employee ID" value={p.employeeId} />
                <Field label="E-mail" value={p.email} />
                <Field label="Date of birth" value={p.dateOfBirth} />
                <Field label="Unit" value={p.orgUnit} />
                <Field label="Job role" value={p.jobRole} />
                <Field label="Site" value={p.site} />
                <Field label="Manager" value={p.managerName ? `${p.managerName} (${p.managerEmployeeId ?? ''})` : p.managerEmployeeId} />
                <Field label="Pseudonym" value={p.pseudonym} />
                <Field label="Hired" value={p.hireDate} />
                <Field label="Left" value={p.terminationDate} />
              </SimpleGrid>
              <div data-testid="person-requirements">
                <Group gap="xs" mb={4}>
                  <Title order={3} size="h5">
                    Requirements today
                  </Title>
                  {requirements.data && (
                    <Badge variant="light" data-testid="person-compliance">
                      {PERSON_COMPLIANCE_LABELS[requirements.data.summary]}
                    </Badge>
                  )}
                </Group>
                {requirements.isError && <Text c="red.8">{requirements.error.message}</Text>}
                {requirements.data && requirements.data.requirements.length === 0 && (
                  <Text size="sm" c="gray.7">
                    No enabled requirement applies to this person.
                  </Text>
                )}
                {requirements.data && requirements.data.requirements.length > 0 && (
                  <Table.ScrollContainer minWidth={620}>
                    <Table striped withTableBorder fz="sm">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Requirement</Table.Th>
                          <Table.Th>Status</Table.Th>
                          <Table.Th>Due</Table.Th>
                          <Table.Th>Satisfied by</Table.Th>
                          <Table.Th>Evidence</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {requirements.data.requirements.map((r) => (
                          <Table.Tr key={r.requirementId}>
                            <Table.Td>
                              {r.title}
                              <Text size="xs" c="gray.7">
                                {r.frameworkId}
                                {r.clause ? ` · ${r.clause}` : ''}
                              </Text>
                            </Table.Td>
                            <Table.Td style={NO_WRAP}>{STATUS_LABELS[r.status]}</Table.Td>
                            <Table.Td style={NO_WRAP}>{r.dueOn ?? '—'}</Table.Td>
                            <Table.Td style={NO_WRAP}>{r.completion ? `${r.completion.courseCode}, ${r.completion.completedOn}` : '—'}</Table.Td>
                            <Table.Td style={NO_WRAP}>
                              {r.completion && r.evidence !== null ? (
                                <UnstyledButton
                                  fz="sm"
                                  td="underline"
                                  onClick={() =>
                                    navigation.go('evidence', {
                                      completionId: r.completion?.completionId ?? '',
                                      completionLabel: `${who}, ${r.completion?.courseCode ?? ''} ${r.completion?.completedOn ?? ''}`,
                                    })
                                  }
                                >
                                  {r.evidence === 'none'
                                    ? 'None'
                                    : r.evidence === 'pending'
                                      ? 'Unreviewed'
                                      : r.evidence === 'accepted'
                                        ? 'Accepted'
                                        : 'Rejected'}
                                </UnstyledButton>
                              ) : (
                                '—'
                              )}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </div>
              <div>
                <Title order={3} size="h5" mb={4}>
                  Training history
                </Title>
                {completions.data && completions.data.rows.length === 0 && (
                  <Text size="sm" c="gray.7">
                    No completions recorded.
                  </Text>
                )}
                {completions.data && completions.data.rows.length > 0 && (
                  <Table.ScrollContainer minWidth={520}>
                    <Table striped withTableBorder fz="sm">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Course</Table.Th>
                          <Table.Th>Completed</Table.Th>
                          <Table.Th>Score</Table.Th>
                          <Table.Th>Result</Table.Th>
                          <Table.Th>Expires</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {completions.data.rows.map((c) => (
                          <Table.Tr key={c.completionId}>
                            <Table.Td>{c.course}</Table.Td>
                            <Table.Td>{c.completedOn}</Table.Td>
                            <Table.Td>{c.score ?? '—'}</Table.Td>
                            <Table.Td>{c.passed === null ? 'Completed' : c.passed ? 'Passed' : 'Failed'}</Table.Td>
                            <Table.Td>{c.expiresOn ?? '—'}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </div>
              <Certifications certifications={p.certifications} />
              <div>
                <Title order={3} size="h5" mb={4}>
                  Record versions
                </Title>
                <Stack gap={2}>
                  {p.versions.map((v) => (
                    <Group key={v.version} gap="xs">
                      <Badge variant="light" size="sm">
                        v{v.version}
                      </Badge>
                      <Text size="sm">
                        {v.recordedAt.slice(0, 16).replace('T', ' ')} by {v.recordedBy}
                        {v.reason ? ` · ${v.reason}` : ''}
                        {v.sourceRow !== null ? ` · source row ${String(v.sourceRow)}` : ''}
                      </Text>
                    </Group>
                  ))}
                </Stack>
              </div>
              <div data-testid="person-evidence">
                <Group justify="space-between" mb={4}>
                  <Title order={3} size="h5">
                    Evidence
                  </Title>
                  <Button size="compact-xs" variant="subtle" onClick={() => navigation.go('evidence', { personId: p.personId, personLabel: who })}>
                    Open in Evidence
                  </Button>
                </Group>
                {evidence.data && evidence.data.rows.length === 0 && (
                  <Text size="sm" c="gray.7">
                    No evidence documents this person or their trainings.
                  </Text>
                )}
                {evidence.data && evidence.data.rows.length > 0 && (
                  <Table striped withTableBorder fz="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>File</Table.Th>
                        <Table.Th>Documents</Table.Th>
                        <Table.Th>Date</Table.Th>
                        <Table.Th>State</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {evidence.data.rows.map((e) => (
                        <Table.Tr key={e.evidenceId}>
                          <Table.Td>
                            <UnstyledButton
                              fz="sm"
                              td="underline"
                              onClick={() => navigation.go('evidence', { evidenceId: e.evidenceId, personId: p.personId, personLabel: who })}
                            >
                              {e.fileName}
                            </UnstyledButton>
                          </Table.Td>
                          <Table.Td>{linksLabel(e.links)}</Table.Td>
                          <Table.Td>{e.documentDate}</Table.Td>
                          <Table.Td>
                            <Badge size="sm" variant="light" color={STATE_COLORS[e.state]}>
                              {STATE_LABELS[e.state]}
                            </Badge>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
              </div>
            </Stack>
          )}
        </Drawer.Body>
      </Drawer.Content>
    </Drawer.Root>
  );
}
