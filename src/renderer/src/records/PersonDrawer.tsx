import { Badge, Drawer, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ChannelOutput } from '../../../shared/ipc/contract';
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
  const p = person.data;
  return (
    <Drawer.Root opened={personId !== null} onClose={onClose} position="right" size="xl">
      <Drawer.Overlay />
      <Drawer.Content>
        {/* A <header> inside the dialog would be a second banner landmark beside the app's. */}
        <Drawer.Header role="group">
          <Drawer.Title>{p ? p.name : 'Person'}</Drawer.Title>
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
                <Field label="Manager" value={p.managerEmployeeId} />
                <Field label="Hired" value={p.hireDate} />
                <Field label="Left" value={p.terminationDate} />
              </SimpleGrid>
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
              <div>
                <Title order={3} size="h5" mb={4}>
                  Evidence
                </Title>
                {p.evidence.length === 0 ? (
                  <Text size="sm" c="gray.7">
                    No evidence linked to this person.
                  </Text>
                ) : (
                  p.evidence.map((e) => (
                    <Text size="sm" key={e.evidenceId}>
                      {e.fileName} · added {e.addedAt.slice(0, 10)}
                    </Text>
                  ))
                )}
              </div>
            </Stack>
          )}
        </Drawer.Body>
      </Drawer.Content>
    </Drawer.Root>
  );
}
