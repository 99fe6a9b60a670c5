/** Publishing the migration-drill versions and driving petitions of it through the real API. */
import { expect } from 'vitest';
import type { PetitionView } from '../../workflows/engine';
import { petitionBody, type ApiTestContext } from '../helpers/api';
import { drillSource } from './drill';

/** Publishes migration-drill@1 and @2 under `id` (as a designer does). */
export async function publishDrill(t: ApiTestContext, id: string): Promise<void> {
  for (const version of [1, 2] as const) {
    const res = await t.call(t.token('designer'), {
      method: 'POST',
      url: '/v1/definitions',
      payload: { source: drillSource(version, id), format: 'yaml' },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}

/** Registers a petition of `id@1` received `daysAgo` days ago (by the body `dept`); answers its id. */
export async function registerDrill(
  t: ApiTestContext,
  id: string,
  dept: string,
  daysAgo: number,
): Promise<string> {
  const res = await t.call(t.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({
      definition: `${id}@1`,
      department: dept,
      receivedAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
    }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Takes an action through the API and answers the petition after it. */
export async function actOn(
  t: ApiTestContext,
  petitionId: string,
  action: string,
  token: string,
  input: Record<string, unknown> = {},
): Promise<PetitionView> {
  const res = await t.call(token, {
    method: 'POST',
    url: `/v1/petitions/${petitionId}/actions/${action}`,
    payload: input,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PetitionView;
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}
