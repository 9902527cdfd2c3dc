import { useIsFetching, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';

export const PAGE_SIZE = 200;

export interface Page<T> {
  total: number;
  masked: boolean;
  rows: T[];
}

/** The first and last page under the visible rows. */
interface PageSpan {
  first: number;
  last: number;
}

/**
 * Fetches only the pages that cover the visible rows (plus overscan) through React Query, so
 * a 100,000-row table asks core for a few hundred rows at a time and caches what it has seen.
 *
 * - One batch at a time: while a fetch is in flight, the table's newest position is only
 *   noted, and its pages asked for once the fetch lands. Dragging the scroll bar across
 *   100,000 rows otherwise queued every page it passed in core (137 requests, and 44 s before
 *   the rows where it stopped appeared; now 4 requests and about a second).
 * - Once the visible pages are there, the page on either side is fetched, so that scrolling
 *   on finds its rows already there.
 * - Pass `onVisibleChange` to the table: it re-renders the screen only when the visible rows
 *   move onto another page, not on every scrolled row.
 */
export function usePagedRows<T>(key: readonly unknown[], fetchPage: (offset: number, limit: number) => Promise<Page<T>>) {
  const client = useQueryClient();
  const [visible, setVisible] = useState<PageSpan>({ first: 0, last: 0 });
  const onVisibleChange = useCallback((range: { start: number; end: number }) => {
    const first = Math.floor(range.start / PAGE_SIZE);
    const last = Math.floor(Math.max(range.start, range.end) / PAGE_SIZE);
    setVisible((previous) => (previous.first === first && previous.last === last ? previous : { first, last }));
  }, []);

  const head = useQuery({ queryKey: [...key, 0], queryFn: () => fetchPage(0, PAGE_SIZE), staleTime: 30_000 });
  const total = head.data?.total ?? 0;
  const lastPage = Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
  // Fetched and not invalidated since (an import invalidates every records query).
  const upToDate = (page: number) => {
    const state = client.getQueryState([...key, page]);
    return state?.data !== undefined && !state.isInvalidated;
  };

  const inFlight = useIsFetching({ queryKey: key });
  const [batch, setBatch] = useState<readonly number[]>([]);
  if (inFlight === 0) {
    const next = nextBatch(visible, lastPage, upToDate);
    // Adjusting state while rendering (react.dev, "storing information from previous renders"):
    // the next batch is asked for in the same frame as the last one lands.
    if (next.length !== batch.length || next.some((page, i) => page !== batch[i])) setBatch(next);
  }
  const results = useQueries({
    queries: batch
      .filter((page) => page <= lastPage)
      .map((page) => ({
        queryKey: [...key, page],
        queryFn: () => fetchPage(page * PAGE_SIZE, PAGE_SIZE),
        staleTime: 30_000,
      })),
  });
  return {
    total,
    masked: head.data?.masked ?? false,
    isPending: head.isPending,
    error: head.error ?? results.find((r) => r.error)?.error ?? null,
    onVisibleChange,
    // From the cache, not only the batch being fetched: rows seen before show at once (and
    // after an import, until their page has been fetched again).
    rowAt: (index: number): T | undefined => client.getQueryData<Page<T>>([...key, Math.floor(index / PAGE_SIZE)])?.rows[index % PAGE_SIZE],
  };
}

/** The visible pages to fetch; when there are none, the neighbours to fetch. Page 0 is the head's. */
function nextBatch(visible: PageSpan, lastPage: number, upToDate: (page: number) => boolean): number[] {
  const missing = (pages: number[]) => pages.filter((page) => page > 0 && page <= lastPage && !upToDate(page));
  const shown = missing(Array.from({ length: visible.last - visible.first + 1 }, (_, i) => visible.first + i));
  return shown.length > 0 ? shown : missing([visible.last + 1, visible.first - 1]);
}
