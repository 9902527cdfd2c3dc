import { useIsFetching, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';

export const PAGE_SIZE = 200;

export interface Page<T> {
  total: number;
  masked: boolean;
  rows: T[];
}

/** A run of pages, first to last inclusive. */
interface PageSpan {
  first: number;
  last: number;
}

/**
 * Fetches only the pages that cover the visible rows (plus overscan) through React Query, so
 * a 100,000-row table asks core for a few hundred rows at a time and caches what it has seen
 * (one cache entry per page, whatever call brought it).
 *
 * - One call at a time: while a fetch is in flight, the table's newest position is only noted,
 *   and its pages asked for once the fetch lands. Dragging the scroll bar across 100,000 rows
 *   otherwise queued every page it passed in core (137 calls, and 44 s before the rows where
 *   it stopped appeared; now a handful and under a second).
 * - Visible rows that straddle two pages come in one call: core sorts the whole list for
 *   each call, so two calls cost twice one.
 * - Once the visible pages are there, the page after them and then the one before are fetched,
 *   so that scrolling on finds its rows already there.
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
  const [batch, setBatch] = useState<PageSpan | null>(null);
  if (inFlight === 0) {
    const next = nextBatch(visible, lastPage, upToDate);
    // Adjusting state while rendering (react.dev, "storing information from previous renders"):
    // the next call is made in the same frame as the last one lands.
    if (next?.first !== batch?.first || next?.last !== batch?.last) setBatch(next);
  }
  const pages = useQuery({
    queryKey: [...key, 'pages', batch?.first, batch?.last],
    queryFn: async () => {
      const span = batch ?? { first: 0, last: 0 };
      const answer = await fetchPage(span.first * PAGE_SIZE, (span.last - span.first + 1) * PAGE_SIZE);
      for (let page = span.first; page <= span.last; page++) {
        const rows = answer.rows.slice((page - span.first) * PAGE_SIZE, (page - span.first + 1) * PAGE_SIZE);
        client.setQueryData<Page<T>>([...key, page], { total: answer.total, masked: answer.masked, rows });
      }
      return answer;
    },
    enabled: batch !== null && batch.last <= lastPage,
    // Only the pages it wrote are kept: a call is made again whenever one of them is missing.
    gcTime: 0,
  });
  return {
    total,
    masked: head.data?.masked ?? false,
    isPending: head.isPending,
    error: head.error ?? pages.error,
    onVisibleChange,
    // Every page fetched so far, not only the last call's: rows seen before show at once (and,
    // after an import, until their page has been fetched again).
    rowAt: (index: number): T | undefined => client.getQueryData<Page<T>>([...key, Math.floor(index / PAGE_SIZE)])?.rows[index % PAGE_SIZE],
  };
}

/**
 * The visible pages to fetch, as one run; when there are none, the next page after them, else
 * the one before; null when all are there. Page 0 is the head's.
 */
function nextBatch(visible: PageSpan, lastPage: number, upToDate: (page: number) => boolean): PageSpan | null {
  const wanted = (page: number) => page > 0 && page <= lastPage && !upToDate(page);
  const shown = Array.from({ length: visible.last - visible.first + 1 }, (_, i) => visible.first + i).filter(wanted);
  const first = shown[0];
  const last = shown[shown.length - 1];
  if (first !== undefined && last !== undefined) return { first, last };
  const neighbour = [visible.last + 1, visible.first - 1].find(wanted);
  return neighbour === undefined ? null : { first: neighbour, last: neighbour };
}
