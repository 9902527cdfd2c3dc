import { Grid, NavLink, Text } from '@mantine/core';
import { useState } from 'react';
import { formatBytes } from '../packets/packetFormat';
import { PacketFileView } from './PacketFileView';

/** A list of the packet's files (evidence, requests) beside the viewer of the one chosen. */
export function FileList({ files, label, strip, empty }: { files: { path: string; size: number }[]; label: string; strip: string; empty: string }) {
  const [chosen, setChosen] = useState<string | null>(files[0]?.path ?? null);
  if (files.length === 0) return <Text size="sm">{empty}</Text>;
  return (
    <Grid>
      <Grid.Col span={4}>
        <nav aria-label={label} style={{ maxHeight: 560, overflowY: 'auto' }}>
          {files.map((f) => (
            <NavLink
              key={f.path}
              component="button"
              active={f.path === chosen}
              label={f.path.slice(strip.length)}
              description={formatBytes(f.size)}
              onClick={() => setChosen(f.path)}
            />
          ))}
        </nav>
      </Grid.Col>
      <Grid.Col span={8}>{chosen && <PacketFileView key={chosen} path={chosen} />}</Grid.Col>
    </Grid>
  );
}
