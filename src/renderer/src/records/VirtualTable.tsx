import { Box, Center, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { CSSProperties, ReactNode } from 'react';

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
  /** The row at `index`, or undefined while its page is being fetched. */
  rowAt: (index: number) => T | undefined;
  sort: { key: string; dir: 'asc' | 'desc' };
  onSort: (key: string) => void;
  onVisibleChange: (range: { start: number; end: number }) => void;
  onOpen?: (row: T) => void;
  empty: ReactNode;
  height?: number | string;
}

const ROW_HEIGHT = 34;

// Rows and cells are plain elements with shared style objects (what Mantine's <Text fz="sm"
// truncate> would give), and each row is memoised: scrolling mounts only the rows that come
// into view instead of re-rendering every visible cell on every scroll event.
const ROW_STYLE: CSSProperties = {
  position: 'absolute',
  top: 0,
  left: 0,
  right: 0,
  height: ROW_HEIGHT,
  display: 'grid',
  alignItems: 'center',
  borderBottom: '1px solid var(--mantine-color-gray-2)',
};
const CELL_STYLE: CSSProperties = {
  fontSize: 'var(--mantine-font-size-sm)',
  lineHeight: 'var(--mantine-line-height-sm)',
  padding: '0 8px',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  whiteSpace: 'nowrap',
};
const PENDING_STYLE: CSSProperties = { ...CELL_STYLE, color: 'var(--mantine-color-gray-7)' };

interface RowProps<T> {
  index: number;
  start: number;
  row: T | undefined;
  columns: readonly Column<T>[];
  template: string;
  selected: boolean;
  clickable: boolean;
  onActivate: (index: number) => void;
}

function TableRowInner<T>({ index, start, row, columns, template, selected, clickable, onActivate }: RowProps<T>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      onClick={() => {
        onActivate(index);
      }}
      style={{
        ...ROW_STYLE,
        transform: `translateY(${String(start)}px)`,
        gridTemplateColumns: template,
        background: selected ? 'var(--mantine-color-indigo-0)' : undefined,
        cursor: clickable ? 'pointer' : undefined,
      }}
    >
      {row ? (
        columns.map((column) => (
          <div role="cell" key={column.id} style={CELL_STYLE}>
            {column.cell(row)}
          </div>
        ))
      ) : (
        // A still placeholder: dozens of spinners animating at once cost frames while scrolling.
        <div role="cell" style={PENDING_STYLE}>
          Loading…
        </div>
      )}
    </div>
  );
}

const TableRow = memo(TableRowInner) as typeof TableRowInner;

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
  // Rows get one stable click handler, so that a parent's re-render leaves them alone.
  const latest = useRef({ rowAt, onOpen: props.onOpen });
  useEffect(() => {
    latest.current = { rowAt, onOpen: props.onOpen };
  });
  const activate = useCallback((index: number) => {
    setFocused(index);
    const row = latest.current.rowAt(index);
    if (row && latest.current.onOpen) latest.current.onOpen(row);
  }, []);

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
        <Box
          role="row"
          aria-rowindex={1}
          style={{
            display: 'grid',
            gridTemplateColumns: template,
            background: 'var(--mantine-color-gray-0)',
            borderBottom: '1px solid var(--mantine-color-gray-3)',
          }}
        >
          {columns.map((column) => {
            const active = props.sort.key === column.sortKey;
            return (
              <div
                role="columnheader"
                key={column.id}
                aria-sort={active ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : column.sortKey ? 'none' : undefined}
                style={{ padding: '6px 8px', display: 'flex', alignItems: 'center' }}
              >
                {column.sortKey ? (
                  <UnstyledButton onClick={() => props.onSort(column.sortKey ?? '')} fz="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
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
            {items.map((item) => (
              <TableRow
                key={item.index}
                index={item.index}
                start={item.start}
                row={rowAt(item.index)}
                columns={columns}
                template={template}
                selected={item.index === focused}
                clickable={Boolean(props.onOpen)}
                onActivate={activate}
              />
            ))}
          </div>
        )}
      </Box>
    </Box>
  );
}
