import { Alert, Code, Loader, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { loadPacketFile } from './loadPacketFile';

interface SampleFile {
  procedure: string;
  seed: string;
  asOf: string;
  requirements: { requirementId: string; clause: string | null; populationSize: number; populationSha256: string; asked: number; picks: string[] }[];
}

/** data/sample.json, read: the rule, the seed, each requirement's population and picks. */
export function SamplePanel() {
  const sample = useQuery({
    queryKey: ['auditor.file', 'data/sample.json'],
    queryFn: async () => JSON.parse(new TextDecoder().decode(await loadPacketFile('data/sample.json'))) as SampleFile,
  });
  if (sample.isPending) return <Loader size="sm" aria-label="Loading the sample" />;
  if (sample.isError) {
    return (
      <Alert color="red" role="alert" title="sample.json could not be read">
        {sample.error.message}
      </Alert>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm">
        Seed <Code>{sample.data.seed}</Code>, statuses as of {sample.data.asOf}. Re-derive the picks yourself: in <Code>data/audit/</Code> run{' '}
        <Code>python3 reproduce_sample.py</Code> (standard-library Python; it exits 0 only if every pick matches).
      </Text>
      <Text size="xs" c="gray.7">
        Procedure: {sample.data.procedure}
      </Text>
      <Table striped withTableBorder fz="sm" aria-label="Sample per requirement">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Requirement</Table.Th>
            <Table.Th ta="right">Population</Table.Th>
            <Table.Th ta="right">Asked</Table.Th>
            <Table.Th ta="right">Picked</Table.Th>
            <Table.Th>Record ids picked</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sample.data.requirements.map((r) => (
            <Table.Tr key={r.requirementId}>
              <Table.Td>{r.clause ?? r.requirementId}</Table.Td>
              <Table.Td ta="right">{r.populationSize}</Table.Td>
              <Table.Td ta="right">{r.asked}</Table.Td>
              <Table.Td ta="right">{r.picks.length}</Table.Td>
              <Table.Td>
                <Text size="xs" lineClamp={2} style={{ fontFamily: 'monospace' }}>
                  {r.picks.join(' ')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
