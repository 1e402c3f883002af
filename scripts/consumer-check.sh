#!/usr/bin/env bash
# A downstream user's view of the built package (issue 10): packs the tarball, installs it in a
# fresh consumer project, and checks ESM import, CommonJS require mixed with the ESM node entry
# (one Frame and one CausalPanelError across both), TypeScript resolution under node16, nodenext,
# bundler and node10, and the causal-panel bin. Run after `npm run build`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -1)"
echo "   packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB; unpacked $(tar -xzOf "$work/$tarball" | wc -c) bytes)"
mkdir -p "$work/consumer"
cd "$work/consumer"
npm init -y > /dev/null
npm install --no-audit --no-fund --silent "$work/$tarball" "typescript@^5" "@types/node@^20" > /dev/null
cp "$root/fixtures/datasets/base_did.csv" data.csv

# ESM
node --input-type=module -e "
import { feols, CausalPanelError } from 'causal-panel';
import { readCsv } from 'causal-panel/node';
const fit = feols('y ~ x1 | id + period', await readCsv('data.csv'));
if (!(Math.abs(fit.coef().x1) > 0)) process.exit(1);
try { feols('y ~ nope', await readCsv('data.csv')); process.exit(1); } catch (e) { if (!(e instanceof CausalPanelError)) process.exit(1); }
"
# CommonJS, and CommonJS mixed with the ESM node entry (the README's first example under CJS)
node -e "
const { feols, CausalPanelError } = require('causal-panel');
(async () => {
  const { readCsv } = require('causal-panel/node');
  const esm = await import('causal-panel/node');
  const a = feols('y ~ x1 | id + period', await readCsv('data.csv'));
  const b = feols('y ~ x1 | id + period', await esm.readCsv('data.csv'));
  if (a.coef().x1 !== b.coef().x1) process.exit(1);
  const esmMain = await import('causal-panel');
  try { esmMain.feols('y ~ nope', await readCsv('data.csv')); process.exit(1); } catch (e) { if (!(e instanceof CausalPanelError)) process.exit(1); }
})().catch((e) => { console.error(e); process.exit(1); });
"
# causal-panel/duckdb loads without its optional peer @duckdb/node-api (not installed here): the
# adapter imports no package, it only talks to a connection the caller made
node --input-type=module -e "
import { fromDuckDB, didDuckDB, attgtDuckDB, cellMeansDuckDB } from 'causal-panel/duckdb';
if (![fromDuckDB, didDuckDB, attgtDuckDB, cellMeansDuckDB].every((f) => typeof f === 'function')) process.exit(1);
"
node -e "const { attgtDuckDB } = require('causal-panel/duckdb'); if (typeof attgtDuckDB !== 'function') process.exit(1);"
# package.json export
node -e "if (require('causal-panel/package.json').name !== 'causal-panel') process.exit(1)"
# TypeScript under every module resolution a user may have
cat > use.ts <<'TS'
import { feols, type Frame } from 'causal-panel';
import { readCsv } from 'causal-panel/node';
import type { DuckDBConnectionLike } from 'causal-panel/duckdb';
export type Connection = DuckDBConnectionLike;
export async function run(path: string): Promise<number> {
  const data: Frame = await readCsv(path);
  return feols('y ~ x1 | id + period', data).coef().x1 ?? NaN;
}
TS
for setting in "node16 node16" "nodenext nodenext" "bundler esnext" "node10 commonjs"; do
  set -- $setting
  npx tsc --noEmit --strict --skipLibCheck false --moduleResolution "$1" --module "$2" --target es2022 use.ts
  echo "   tsc --moduleResolution $1: ok"
done
# the bin
npx causal-panel --version > /dev/null
npx causal-panel did --data data.csv --outcome y --unit id --time period --treat treat --post post --format json > out.json
node -e "const j = require('./out.json'); if (j.kind !== 'did') process.exit(1)"
echo "   ESM, CJS (mixed with ESM), causal-panel/duckdb without its peer, package.json export, tsc (node16, nodenext, bundler, node10) and the bin: ok"
