// Installs the pinned MCP servers and SDK for the `proctor mcp stdio` integration tests: `npm ci`
// when package-lock.json changed since the last install (npm ci starts from an empty node_modules,
// so it is not re-run for nothing). The build runs this in generate-test-resources.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const lock = createHash('sha256').update(readFileSync(join(here, 'package-lock.json'))).digest('hex');
const stamp = join(here, 'node_modules', '.proctor-lock.sha256');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
  execFileSync(
    'npm',
    ['ci', '--omit=optional', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: here, stdio: 'inherit' },
  );
  writeFileSync(stamp, lock);
}
