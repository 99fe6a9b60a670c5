/**
 * The console's strings live in its catalogues (web/src/locales): Chinese first, English with the same keys, and no
 * Chinese text written into the components themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from '../../web/src/locales/en';
import zhCN from '../../web/src/locales/zh-CN';

const src = fileURLToPath(new URL('../../web/src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`),
  );
}

const sources = files(src).filter((f) => !f.includes(`${path.sep}locales${path.sep}`));

describe('the console catalogues', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('hold every key the components ask for', () => {
    const known = new Set(keys(zhCN));
    const used = sources.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(100);
    expect(used.filter((k) => !known.has(k))).toEqual([]);
    // Keys built at run time: the menu's pages and the at-risk windows.
    for (const page of [
      'dashboard',
      'overdue',
      'at-risk',
      'rates',
      'petitions',
      'intake',
      'worklist',
      'definitions',
      'editor',
    ])
      expect(known.has(`nav.${page}`), page).toBe(true);
    for (const w of ['P1D', 'P3D', 'P7D', 'P15D']) expect(known.has(`atRisk.windows.${w}`), w).toBe(true);
  });

  it('leave no Chinese text in the components (the language switch names 中文 in its own script)', () => {
    const han = /[\u4e00-\u9fff]/;
    const offenders = sources.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, where: `${path.relative(src, f)}:${i + 1}` }))
        .filter(({ line }) => han.test(line.replace(/\/\/.*$|\/\*.*?\*\/|^\s*\*.*$/g, '')))
        .filter(({ line }) => !line.includes("label: '中文'")),
    );
    expect(offenders.map((o) => `${o.where} ${o.line.trim()}`)).toEqual([]);
  });
});
