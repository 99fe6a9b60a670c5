import { readFileSync } from 'node:fs';
import type { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefinitionService, type DefinitionService } from '../../api/services/definitions';
import { statutoryDefinitionHash } from '../../definitions/statutory';
import { DEFINITION_REGISTRY_WORKFLOW_ID } from '../../workflows/registry';
import {
  connectDevServer,
  connectDevServerNative,
  createTestWorker,
  uniqueTaskQueue,
} from '../helpers/temporal';

const yaml = readFileSync('definitions/statutory/petition-2022-v2.yaml', 'utf8');
const designer = { role: 'designer' as const, id: 'designer-1' };

let client: Client;
let connection: Connection;
let worker: Worker;
let running: Promise<void>;
let service: DefinitionService;

beforeAll(async () => {
  ({ client, connection } = await connectDevServer());
  const taskQueue = uniqueTaskQueue('registry');
  const native = await connectDevServerNative();
  worker = await createTestWorker({ connection: native, taskQueue });
  running = worker.run();
  // One registry per namespace in production; this file gets its own so parallel test files never share one.
  service = createDefinitionService(client, {
    taskQueue,
    cacheMs: 0,
    registryId: `${DEFINITION_REGISTRY_WORKFLOW_ID}-${taskQueue}`,
  });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
});

describe('the definition registry (published versions never change)', () => {
  it('is seeded with every shipped version of the statutory default, petition-2022@1 and @2', async () => {
    const list = await service.list();
    expect(list).toContainEqual(
      expect.objectContaining({ id: 'petition-2022', version: 1, hash: statutoryDefinitionHash(1) }),
    );
    expect(list).toContainEqual(
      expect.objectContaining({ id: 'petition-2022', version: 2, hash: statutoryDefinitionHash() }),
    );
    expect((await service.latest('petition-2022'))?.version).toBe(2);
    expect((await service.latest('petition-2022'))?.definition.elements.length).toBeGreaterThan(10);
  });

  it('publishes a new version, records who published it, and serves the latest by default', async () => {
    const v3 = yaml
      .replace(/^version: 2$/m, 'version: 3')
      .replace(/^name: .*$/m, 'name: 信访事项办理（试行第三版）');
    const published = await service.publish(v3, 'yaml', designer);
    expect(published).toMatchObject({
      ok: true,
      definition: { id: 'petition-2022', version: 3, publishedBy: designer },
    });
    expect((await service.latest('petition-2022'))?.version).toBe(3);
    expect((await service.get('petition-2022', 2))?.hash).toBe(statutoryDefinitionHash());
    expect(await service.publish(v3, 'yaml', designer)).toMatchObject({ ok: true });
  });

  it('refuses to change a published version and says which version to use instead', async () => {
    const changed = yaml.replace(/^name: .*$/m, 'name: 改过的名称');
    const result = await service.publish(changed, 'yaml', designer);
    expect(result).toMatchObject({ ok: false, conflict: true });
    if (!result.ok) expect(result.message).toMatch(/already published.*version 4/);
  });

  it('refuses an invalid definition with its issues as data, line and column included', async () => {
    const broken = yaml.replace(/^version: 2$/m, 'version: 9').replace('duration: 60', 'duration: -60');
    const result = await service.publish(broken, 'yaml', designer);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]).toMatchObject({
        rule: 'schema',
        line: expect.any(Number),
        column: expect.any(Number),
      });
    }
    expect((await service.list()).some((d) => d.version === 9)).toBe(false);
  });
});
