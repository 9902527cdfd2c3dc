import { Alert, Group, Loader, Pagination, SegmentedControl, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../ipc/call';

const PAGE = 100;
const SHEETS = ['Summary', 'Matrix', 'Records', 'Exceptions', 'Evidence', 'Sample', 'Requests'];

/** The packet's workbook, sheet by sheet, a page of rows at a time (read in core). */
export function WorkbookSheets() {
  const [sheet, setSheet] = useState('Summary');
  const [page, setPage] = useState(1);
  const rows = useQuery({
    queryKey: ['auditor.sheet', sheet, page],
    queryFn: () => call(window.custodian.auditor.sheet({ sheet, offset: (page - 1) * PAGE, limit: PAGE })),
  });
  const sheets = rows.data?.sheets ?? SHEETS;
  return (
    <>
      <SegmentedControl
        aria-label="Workbook sheet"
        data={sheets}
        value={sheet}
        onChange={(next) => {
          setSheet(next);
          setPage(1);
        }}
        mb="sm"
      />
      {rows.isError && (
        <Alert color="red" role="alert" title="The workbook could not be read">
          {rows.error.message}
        </Alert>
      )}
      {rows.isPending && <Loader size="sm" aria-label="Loading the sheet" />}
      {rows.data && (
        <>
          <Table.ScrollContainer minWidth={700} mah={520} type="native" tabIndex={0} aria-label={`Sheet ${sheet}, scrollable`}>
            <Table striped withTableBorder stickyHeader fz="xs" aria-label={`Sheet ${sheet}`}>
              <Table.Thead>
                <Table.Tr>
                  {rows.data.columns.map((c, i) => (
                    <Table.Th key={`${String(i)} ${c}`}>{c}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.data.rows.map((row, r) => (
                  <Table.Tr key={r}>
                    {row.map((value, i) => (
                      <Table.Td key={i}>{value}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="xs">
            <Text size="xs" c="gray.7">
              {rows.data.total} row(s)
            </Text>
            {rows.data.total > PAGE && <Pagination size="sm" total={Math.ceil(rows.data.total / PAGE)} value={page} onChange={setPage} />}
          </Group>
        </>
      )}
    </>
  );
}
