// npm's `prepare` hook: builds dist/ when it is missing, so that `npm i git+…` and `npm i ../causal-panel`
// install a working package (dist/ is not in git). A checkout that already has dist/ is left alone.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  execSync('npm run build', { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
}
