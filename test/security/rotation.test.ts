/**
 * Key rotation on the embedded default's keyring file, against the dev server: a petition written under key 1, the
 * keyring rotated with `npm run keys -- rotate`, the same petition acted on and read under key 2 with key 1 still
 * listed, then an exported history re-encrypted with `npm run keys -- re-encrypt` so that key 2 alone replays it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Payload } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config';
import { createDataConverter, payloadCodecFromConfig } from '../../config/data-converter';
import { EncryptionCodec, payloadKeyId } from '../../config/payload-codec';
import { openSealedJson, sealJson } from '../../config/payload-json';
import { readKeyFile } from '../../config/payload-keys';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal';
import { actors, PetitionDriver } from '../workflows/driver';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(path.join(inject('testRunDir'), 'rotation-'));
const config = loadConfig({ TEMPORAL_ADDRESS: inject('devServerAddress'), DATA_DIR: dataDir });
const keyFile = path.join(dataDir, 'payload-keys.json');
const envs: TestWorkflowEnvironment[] = [];

function keys(...args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, PAYLOAD_KEYS: '', PAYLOAD_KEY_FILE: '' },
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
  return res.stdout;
}

/** A client and a worker of "this process", with the keyring as the key file says now. */
async function stack(taskQueue: string) {
  const codec = payloadCodecFromConfig(config);
  const dataConverter = createDataConverter(codec);
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: inject('devServerAddress'),
    client: { dataConverter },
  });
  envs.push(env);
  const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, dataConverter });
  return { codec, env, worker };
}

function keyIdsOf(history: unknown): string[] {
  const ids = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o['metadata'] && typeof o['metadata'] === 'object' && 'data' in o) {
      const id = payloadKeyId(o as unknown as Payload);
      if (id) ids.add(id);
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(history);
  return [...ids].sort();
}

afterAll(async () => {
  for (const env of envs) await env.teardown();
});

describe('rotating the payload key', () => {
  it(
    'writes with key 1, rotates to key 2, reads both, and re-encrypts an exported history on demand',
    { timeout: 90_000 },
    async () => {
      const taskQueue = uniqueTaskQueue('rotation');
      keys('list'); // creates the embedded default's keyring: one key
      const [k1] = readKeyFile(keyFile);

      const one = await stack(taskQueue);
      expect(one.codec.encryptingKeyId).toBe(k1!.id);
      const p = await one.worker.runUntil(async () => {
        const started = await PetitionDriver.start(one.env, taskQueue, {
          petitioner: { name: '轮换前', phone: '13900000001' },
        });
        await started.act('forward', actors.registrar, { department: 'D1' });
        return started;
      });

      const rotated = keys('rotate');
      const [k2, k1Still] = readKeyFile(keyFile);
      expect(k1Still!.id).toBe(k1!.id);
      expect(rotated).toContain(`Key ${k2!.id} encrypts from now on`);

      const two = await stack(taskQueue);
      expect(two.codec.keyIds).toEqual([k2!.id, k1!.id]);
      const handle = two.env.client.workflow.getHandle(p.handle.workflowId);
      const after = await two.worker.runUntil(async () => {
        const again = await two.env.client.workflow
          .getHandle(p.handle.workflowId)
          .executeUpdate('petitionAction', { args: [{ action: 'accept', actor: actors.dept, input: {} }] });
        return again as { step: string };
      });
      expect(after.step).toBe('handle');
      const history = await handle.fetchHistory();
      // Both keys wrote into the one history: key 1 before the rotation, key 2 after.
      expect(keyIdsOf(history)).toEqual([k1!.id, k2!.id].sort());
      // Key 2 alone cannot read it: a rotated-out key stays until every history written with it is gone.
      const onlyK2 = new EncryptionCodec({ keys: [k2!], source: 'k2 only' });
      const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
      await expect(
        onlyK2.decode(started.workflowExecutionStartedEventAttributes!.input!.payloads! as Payload[]),
      ).rejects.toThrow(`"${k1!.id}"`);

      // Re-encryption on demand: histories in Temporal are immutable, an exported copy (or backup) is ours.
      const exported = path.join(dataDir, 'export.json');
      writeFileSync(exported, historyToJSON(history));
      const report = keys('re-encrypt', exported);
      expect(report).toMatch(
        new RegExp(`Re-encrypted \\d+ payload\\(s\\) in 1 file\\(s\\) with key ${k2!.id}`),
      );
      const reEncrypted = historyFromJSON(JSON.parse(readFileSync(exported, 'utf8')));
      expect(keyIdsOf(reEncrypted)).toEqual([k2!.id]);
      await Worker.runReplayHistory(
        {
          workflowBundle: { codePath: inject('workflowBundlePath') },
          dataConverter: createDataConverter(onlyK2),
        },
        reEncrypted,
        p.handle.workflowId,
      );
      const decrypted = keys('decrypt', exported);
      expect(decrypted).toContain('轮换前');
    },
  );

  it('re-encrypts sealed archive files with the encrypting key, and opens them with `keys decrypt`', async () => {
    const [newest, older] = readKeyFile(keyFile);
    const archive = path.join(dataDir, 'archive');
    const file = path.join(archive, 'XF1.json');
    spawnSync('mkdir', ['-p', archive]);
    writeFileSync(
      file,
      await sealJson(new EncryptionCodec({ keys: [older!], source: 'old' }), 'archive', { name: '归档人' }),
    );
    expect(keys('re-encrypt')).toContain(`with key ${newest!.id}`);
    const sealed = readFileSync(file, 'utf8');
    expect(sealed).not.toContain('归档人');
    expect(await openSealedJson(new EncryptionCodec({ keys: [newest!], source: 'new' }), sealed)).toEqual({
      name: '归档人',
    });
    expect(keys('decrypt', file)).toContain('归档人');
  });

  it('adds a key that decrypts only, promotes it, and refuses to remove the encrypting key', () => {
    const before = readKeyFile(keyFile).map((k) => k.id);
    keys('add');
    const added = readKeyFile(keyFile);
    expect(added.slice(0, before.length).map((k) => k.id)).toEqual(before);
    const fresh = added[added.length - 1]!;
    keys('promote', fresh.id);
    expect(readKeyFile(keyFile)[0]!.id).toBe(fresh.id);
    const refused = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', 'remove', fresh.id], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dataDir, PAYLOAD_KEYS: '', PAYLOAD_KEY_FILE: '' },
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('is the one that encrypts');
    expect(keys('list')).not.toContain(fresh.key.toString('base64'));
  });
});
