import { Box, Center, Group, Loader, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';

export interface Column<T> {
  id: string;
  header: string;
  width: number | string;
  /** Present when the column can be sorted by core. */
  sortKey?: string;
  cell: (row: T) => ReactNode;
}

export interface VirtualTableProps<T> {
  label: string;
  columns: readonly Column<T>[];
  total: number;
  rowAt: (index: number) => T | undefined;
  rowKey: (row: T, index: number) => string;
  sort: { key: string; dir: 'asc' | 'desc' };
  onSort: (key: string) => void;
  onVisibleChange: (range: { start: number; end: number }) => void;
  onOpen?: (row: T) => void;
  empty: ReactNode;
  height?: number | string;
}

const ROW_HEIGHT = 34;

/**
 * A windowed table: only the visible rows exist in the DOM (TanStack Virtual), so 100,000 rows
 * scroll smoothly. ARIA table roles with aria-rowcount/aria-rowindex keep it readable by screen
 * readers; arrow keys move between rows, Enter opens one.
 */
export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { columns, total, rowAt, onVisibleChange } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [focused, setFocused] = useState(0);
  // The rule warns because React Compiler cannot memoise this hook's return value; this app does
  // not use the compiler, and the virtualizer is read fresh on every render as intended.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const start = items[0]?.index ?? 0;
  const end = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    onVisibleChange({ start, end });
  }, [start, end, onVisibleChange]);

  const template = columns.map((c) => (typeof c.width === 'number' ? `${String(c.width)}px` : c.width)).join(' ');

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (total === 0) return;
    const move = (to: number) => {
      const next = Math.max(0, Math.min(total - 1, to));
      setFocused(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
      event.preventDefault();
    };
    if (event.key === 'ArrowDown') move(focused + 1);
    else if (event.key === 'ArrowUp') move(focused - 1);
    else if (event.key === 'PageDown') move(focused + 15);
    else if (event.key === 'PageUp') move(focused - 15);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(total - 1);
    else if (event.key === 'Enter') {
      const row = rowAt(focused);
      if (row && props.onOpen) props.onOpen(row);
    }
  };

  return (
    <Box role="table" aria-label={props.label} aria-rowcount={total + 1} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
      <div role="rowgroup">
        <Box role="row" aria-rowindex={1} style={{ display: 'grid', gridTemplateColumns: template, background: 'var(--mantine-color-gray-0)', borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          {columns.map((column) => {
            const active = props.sort.key === column.sortKey;
            return (
              <div
                role="columnheader"
                key={column.id}
                aria-sort={active ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : column.sortKey ? 'none' : undefined}
                style={{ padding: '6px 8px' }}
              >
                {column.sortKey ? (
                  <UnstyledButton onClick={() => props.onSort(column.sortKey ?? '')} fz="sm" fw={600}>
                    {column.header} {active ? (props.sort.dir === 'asc' ? '▲' : '▼') : ''}
                  </UnstyledButton>
                ) : (
                  <Text fz="sm" fw={600}>
                    {column.header}
                  </Text>
                )}
              </div>
            );
          })}
        </Box>
      </div>
      <Box
        ref={scroller}
        role="rowgroup"
        tabIndex={0}
        aria-label={`${props.label}: arrow keys move, Enter opens`}
        onKeyDown={onKeyDown}
        style={{ height: props.height ?? 'calc(100vh - 230px)', overflow: 'auto', position: 'relative' }}
      >
        {total === 0 ? (
          <Center h="100%" p="xl">
            {props.empty}
          </Center>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rowAt(item.index);
              return (
                <Box
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={item.index === focused}
                  key={row ? props.rowKey(row, item.index) : `pending-${String(item.index)}`}
                  onClick={() => {
                    setFocused(item.index);
                    if (row && props.onOpen) props.onOpen(row);
                  }}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW_HEIGHT,
                    transform: `translateY(${String(item.start)}px)`,
                    display: 'grid',
                    gridTemplateColumns: template,
                    alignItems: 'center',
                    borderBottom: '1px solid var(--mantine-color-gray-2)',
                    background: item.index === focused ? 'var(--mantine-color-indigo-0)' : undefined,
                    cursor: props.onOpen ? 'pointer' : undefined,
                  }}
                >
                  {row ? (
                    columns.map((column) => (
                      <Text role="cell" key={column.id} fz="sm" px={8} truncate="end">
                        {column.cell(row)}
                      </Text>
                    ))
                  ) : (
                    <Group role="cell" px={8} gap="xs">
                      <Loader size={12} />
                      <Text fz="sm" c="gray.7">
                        Loading…
                      </Text>
                    </Group>
                  )}
                </Box>
              );
            })}
          </div>
        )}
      </Box>
    </Box>
  );
}
