import { ScrollArea, Table, Text } from '@mantine/core';
import { useMemo } from 'react';

/** Rows shown of a CSV (the rest are counted): a viewer, not a spreadsheet. */
const MAX_ROWS = 2000;
/** Bytes of a text file shown: one <pre> of hundreds of megabytes would freeze the window. */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/** RFC 4180 fields: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string, limit = MAX_ROWS): { rows: string[][]; more: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text.charAt(i + 1) === '\n') i++;
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      if (rows.length > limit) return { rows: rows.slice(0, limit), more: true };
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { rows, more: false };
}

/** Plain text, or a CSV as a table (first row as the header; comment lines starting "#" above it). */
export function TextView({ bytes, csv }: { bytes: Uint8Array; csv: boolean }) {
  const cut = bytes.length > MAX_TEXT_BYTES;
  const text = useMemo(() => new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, MAX_TEXT_BYTES)), [bytes]);
  const table = useMemo(() => {
    if (!csv) return null;
    const lines = text.split(/\r?\n/);
    const comments: string[] = [];
    while (lines[0]?.startsWith('#')) comments.push(lines.shift() ?? '');
    return { comments, ...parseCsv(lines.join('\n')) };
  }, [text, csv]);
  if (!table) {
    return (
      <ScrollArea h={560} type="auto" style={{ border: '1px solid var(--mantine-color-gray-3)' }} viewportProps={{ tabIndex: 0, 'aria-label': 'File text' }}>
        <pre style={{ margin: 0, padding: 8, whiteSpace: 'pre-wrap', fontSize: 13 }} data-testid="evidence-text">
          {text}
        </pre>
        {cut && (
          <Text size="sm" c="gray.7" p={8}>
            The first 2 MB are shown.
          </Text>
        )}
      </ScrollArea>
    );
  }
  const [header = [], ...body] = table.rows;
  return (
    <div>
      {table.comments.map((line, i) => (
        <Text key={i} size="sm" c="gray.7">
          {line.replace(/^#\s*/, '')}
        </Text>
      ))}
      <ScrollArea h={540} type="auto" viewportProps={{ tabIndex: 0, 'aria-label': 'File rows' }}>
        <Table striped withTableBorder fz="sm" data-testid="evidence-csv">
          <Table.Thead>
            <Table.Tr>
              {header.map((h, i) => (
                <Table.Th key={i}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {body.map((row, r) => (
              <Table.Tr key={r}>
                {row.map((cell, i) => (
                  <Table.Td key={i}>{cell}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {table.more && (
        <Text size="sm" c="gray.7">
          The first {MAX_ROWS.toLocaleString('en')} rows are shown.
        </Text>
      )}
    </div>
  );
}
