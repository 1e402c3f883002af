/**
 * The main entry is browser-safe (API contract: "the main entry runs in Node and in the browser —
 * no fs, no process"): `src/index.ts` bundles with esbuild for `platform: 'browser'` without
 * Node built-ins, and the bundle runs in a fresh `node:vm` context that has no `process`,
 * `require` or `Buffer`, where a tiny feols on inline data gives the hand-computed OLS answer
 * (and parseCsv, the t quantile and a seeded RNG work).
 */
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build, type BuildResult, type OutputFile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './helpers/expectClose.js';
import { tQuantile } from '../src/numerics/distributions.js';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

let result: BuildResult & { outputFiles: OutputFile[]; metafile: NonNullable<BuildResult['metafile']> };
let code = '';

beforeAll(async () => {
  result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    write: false,
    format: 'iife',
    globalName: 'CausalPanel',
    metafile: true,
    logLevel: 'silent',
  });
  code = result.outputFiles[0]!.text;
}, 60_000);

describe('browser bundle of src/index.ts (esbuild, platform "browser")', () => {
  it('builds without errors or warnings and imports no node: built-in', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((name) => name.startsWith('node:'))).toEqual([]);
    for (const [name, input] of Object.entries(result.metafile.inputs)) {
      const builtins = input.imports.filter((imp) => imp.path.startsWith('node:') || imp.external === true);
      expect(builtins, `${name} imports`).toEqual([]);
    }
    expect(code).not.toMatch(/["']node:/);
  });

  it('has no require("fs") and every `process` reference is feature-tested (typeof process / window.process)', () => {
    expect(code).not.toMatch(/require\(\s*["'](?:node:)?(?:fs|path|os|child_process|url)["']\s*\)/);
    expect(code).not.toMatch(/__dirname|__filename|import\.meta/);
    // The only process references come from stdlib's `debug` dependency, behind typeof guards.
    const unguarded: string[] = [];
    const re = /\bprocess\b/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(code)) !== null) {
      const before = code.slice(Math.max(0, m.index - 120), m.index);
      if (!/typeof process|window\.process|window && window\.process|"env" in $/.test(before) && !/typeof\s*$|window\.\s*$/.test(before)) {
        unguarded.push(code.slice(Math.max(0, m.index - 60), m.index + 40));
      }
    }
    expect(unguarded).toEqual([]);
  });

  it('runs in a fresh vm context without process/require/Buffer: feols on inline data = hand-computed OLS', () => {
    const context = vm.createContext({ TextEncoder, TextDecoder }); // every browser and Web Worker has these
    vm.runInContext(code, context);
    expect(vm.runInContext('[typeof process, typeof require, typeof Buffer].join()', context)).toBe('undefined,undefined,undefined');
    const out = JSON.parse(
      vm.runInContext(
        `(() => {
          const fit = CausalPanel.feols('y ~ x', { y: [1, 2, 4, 3, 6], x: [1, 2, 3, 4, 5] });
          return JSON.stringify({ coef: fit.coef(), se: fit.se(), nobs: fit.nobs, summary: fit.summary(), json: fit.toJSON().kind });
        })()`,
        context,
      ) as string,
    );
    // By hand: x̄ = 3, ȳ = 3.2, Sxx = 10, Sxy = 11 → slope 1.1, intercept −0.1;
    // residuals (0, −0.1, 0.8, −1.3, 0.6), RSS = 2.7, σ² = 2.7/3 = 0.9, se(slope) = √(σ²/Sxx) = 0.3.
    expectClose(out.coef.x, 1.1, 1e-14, 'slope');
    expectClose(out.coef['(Intercept)'], -0.1, 1e-13, 'intercept');
    expectClose(out.se.x, 0.3, 1e-13, 'se(slope)');
    expect(out.nobs).toBe(5);
    expect(out.json).toBe('feols');
    expect(out.summary).toContain('x');
  });

  it('parseCsv, the t quantile and the seeded RNG work in the vm context (same numbers as in Node)', () => {
    const context = vm.createContext({ TextEncoder, TextDecoder }); // every browser and Web Worker has these
    vm.runInContext(code, context);
    const out = JSON.parse(
      vm.runInContext(
        `JSON.stringify({
          nrow: CausalPanel.parseCsv('y,g\\n1,"a, b"\\nNA,c\\n').nrow,
          g: CausalPanel.parseCsv('y,g\\n1,"a, b"\\nNA,c\\n').columns.g,
          q: CausalPanel.tQuantile(0.975, 5),
          u: CausalPanel.createRng(42).uniform(),
        })`,
        context,
      ) as string,
    );
    expect(out.nrow).toBe(2);
    expect(out.g).toEqual(['a, b', 'c']);
    // R: qt(0.975, 5) = 2.570581835636314
    expectClose(out.q, 2.570581835636314, 1e-12, 'qt(0.975, 5)');
    expectClose(out.q, tQuantile(0.975, 5), 0, 'same as in Node');
    expect(out.u).toBeGreaterThanOrEqual(0);
    expect(out.u).toBeLessThan(1);
  });
});
