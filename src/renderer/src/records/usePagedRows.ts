import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';

export const PAGE_SIZE = 200;

export interface Page<T> {
  total: number;
  masked: boolean;
  rows: T[];
}

/**
 * Fetches only the pages that cover the visible rows (plus overscan) through React Query, so
 * a 100,000-row table asks core for a few hundred rows at a time and caches what it has seen.
 */
export function usePagedRows<T>(key: readonly unknown[], fetchPage: (offset: number, limit: number) => Promise<Page<T>>, visible: { start: number; end: number }) {
  const first = Math.floor(visible.start / PAGE_SIZE);
  const last = Math.floor(Math.max(visible.start, visible.end) / PAGE_SIZE);
  const pages = useMemo(() => Array.from({ length: last - first + 1 }, (_, i) => first + i), [first, last]);
  const results = useQueries({
    queries: [0, ...pages.filter((p) => p !== 0)].map((page) => ({
      queryKey: [...key, page],
      queryFn: () => fetchPage(page * PAGE_SIZE, PAGE_SIZE),
      staleTime: 30_000,
    })),
  });
  const byPage = new Map<number, Page<T>>();
  [0, ...pages.filter((p) => p !== 0)].forEach((page, i) => {
    const data = results[i]?.data;
    if (data) byPage.set(page, data);
  });
  const head = byPage.get(0);
  return {
    total: head?.total ?? 0,
    masked: head?.masked ?? false,
    isPending: results[0]?.isPending ?? true,
    error: results.find((r) => r.error)?.error ?? null,
    rowAt: (index: number): T | undefined => byPage.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE],
  };
}
