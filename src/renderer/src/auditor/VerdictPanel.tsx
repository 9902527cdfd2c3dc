import { Alert, Code, List, Stack, Text, ThemeIcon } from '@mantine/core';
import type { ChannelOutput } from '../../../shared/ipc/contract';

type Verdict = NonNullable<ChannelOutput<'custodian:auditor.status'>['result']>['verdict'];

/** The verification, check by check and file by file, and whom the signature names. */
export function VerdictPanel({ verdict, fileName }: { verdict: Verdict; fileName: string }) {
  return (
    <Stack gap="sm" data-testid="packet-verdict">
      <Alert
        color={verdict.ok ? 'teal' : 'red'}
        role={verdict.ok ? 'status' : 'alert'}
        title={verdict.ok ? `${fileName} verifies` : `${fileName} does NOT verify`}
        data-testid="verdict-summary"
      >
        {verdict.ok
          ? `Every one of its ${String(verdict.files)} files matches the signed manifests; the audit-log checkpoint and its proofs hold.`
          : 'Do not rely on this packet: the checks below name what fails. Ask the sender for a new one.'}
      </Alert>
      {verdict.signer.fingerprint && (
        <Text size="sm">
          Signed by <b>{verdict.signer.identity ?? 'an unnamed key'}</b> with key <Code data-testid="verdict-fingerprint">{verdict.signer.fingerprint}</Code>.{' '}
          {verdict.signer.trust === 'self-asserted'
            ? 'The key is the one the packet carries: compare this fingerprint with the one the sender gave you by another channel.'
            : 'The key is the one your allowed signers file names.'}
        </Text>
      )}
      <List spacing={2} size="sm" center aria-label="Checks">
        {verdict.checks.map((check) => (
          <List.Item
            key={check.name}
            icon={
              <ThemeIcon color={check.ok ? 'teal' : 'red'} size={18} radius="xl" aria-hidden>
                {check.ok ? '✓' : '✗'}
              </ThemeIcon>
            }
          >
            <Text span size="sm" fw={500}>
              {check.name}
            </Text>
            <Text span size="sm" c={check.ok ? 'gray.8' : 'red.8'}>
              {' '}
              {check.ok ? '' : 'FAILED: '}
              {check.reason}
            </Text>
          </List.Item>
        ))}
      </List>
      {verdict.problems.length > 0 && (
        <Alert color="red" title="Files that do not match" data-testid="verdict-problems">
          {verdict.problems.map((p) => (
            <Text size="sm" key={`${p.kind} ${p.path}`}>
              {p.kind}: <Code>{p.path}</Code>
            </Text>
          ))}
        </Alert>
      )}
    </Stack>
  );
}
