import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import type { ChannelInput } from '../../../shared/ipc/contract';
import { call } from '../ipc/call';

type ListQuery = ChannelInput<'custodian:export.csv'>['list'];

/**
 * "Export CSV…": the list as it is on screen (its filters, search and order; masked for the
 * user's role as on screen) to a file chosen in the save dialog. Core writes it and logs it.
 */
export function ExportCsvButton({ suggestedName, list }: { suggestedName: string; list: ListQuery }) {
  const [state, setState] = useState<{ busy: boolean; message: string | null; failed: boolean }>({ busy: false, message: null, failed: false });
  const run = async () => {
    setState({ busy: true, message: null, failed: false });
    try {
      const { file } = await call(window.custodian.export.chooseFile({ suggestedName }));
      if (!file) {
        setState({ busy: false, message: null, failed: false });
        return;
      }
      const { rows, fileName } = await call(window.custodian.export.csv({ file: file.token, list }));
      setState({ busy: false, message: `Saved ${rows.toLocaleString('en')} row${rows === 1 ? '' : 's'} to ${fileName} (logged).`, failed: false });
    } catch (reason) {
      setState({ busy: false, message: reason instanceof Error ? reason.message : 'The export failed.', failed: true });
    }
  };
  return (
    <Group gap={6} wrap="nowrap">
      {state.message && (
        <Text size="xs" c={state.failed ? 'red.8' : 'gray.8'} role="status" data-testid="export-status">
          {state.message}
        </Text>
      )}
      <Button size="xs" variant="default" loading={state.busy} onClick={() => void run()}>
        Export CSV…
      </Button>
    </Group>
  );
}
