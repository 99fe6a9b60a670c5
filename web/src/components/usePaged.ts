import { useCallback, useEffect, useState } from 'react';
import { api, ApiFailure } from '../api';

/** One page at a time of a list the API pages with `nextPageToken`; earlier pages are re-read by their tokens. */
export function usePaged<P extends { nextPageToken: string | null }>(path: string | null, token: string) {
  const [tokens, setTokens] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<P | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [reloads, setReloads] = useState(0);
  const current = tokens[tokens.length - 1] ?? null;

  useEffect(() => setTokens([null]), [path]);
  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    const sep = path.includes('?') ? '&' : '?';
    api<P>(current ? `${path}${sep}pageToken=${encodeURIComponent(current)}` : path, {
      token,
      signal: controller.signal,
    }).then(
      (p) => {
        setPage(p);
        setLoading(false);
      },
      (err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        setError(err instanceof ApiFailure ? err.message : String(err));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, current, token, reloads]);

  return {
    page,
    error,
    loading,
    pageNumber: tokens.length,
    hasNext: !!page?.nextPageToken,
    hasPrev: tokens.length > 1,
    next: useCallback(() => page?.nextPageToken && setTokens((t) => [...t, page.nextPageToken]), [page]),
    prev: useCallback(() => setTokens((t) => (t.length > 1 ? t.slice(0, -1) : t)), []),
    reload: useCallback(() => setReloads((n) => n + 1), []),
  };
}
