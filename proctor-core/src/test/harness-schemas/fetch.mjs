// Brings in the published artefacts that package.json lists under "proctorPackOnly": packages whose
// normal install is too large or broken. Each is fetched with `npm pack` (the npm client and its
// cache), checked against the pinned integrity, and only the files the tests read are kept under
// node_modules/.proctor/. Nothing here is committed. Run after `npm ci`; re-runs are no-ops.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = join(here, 'node_modules', '.proctor');
const pins = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).proctorPackOnly;

/** What to keep of each package: a directory inside the tarball, or the Codex schemas. */
const keep = {
  '@google/gemini-cli-core': (dir, dest) => copyTree(join(dir, 'package/dist/src/hooks'), dest),
  '@github/copilot-sdk': (dir, dest) => copyTree(join(dir, 'package/dist'), dest),
  '@openai/codex': (dir, dest) => codexSchemas(join(dir, 'package/vendor'), dest),
};

for (const [spec, pin] of Object.entries(pins)) {
  const name = spec.slice(0, spec.lastIndexOf('@'));
  const dest = join(out, name.replace('/', '+'));
  const stamp = join(dest, '.stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pin.integrity) continue;
  const tmp = mkdtempSync(join(tmpdir(), 'proctor-pack-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', spec, '--json', '--pack-destination', tmp], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      }),
    )[0];
    const tarball = join(tmp, packed.filename);
    const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
    if (integrity !== pin.integrity) {
      throw new Error(`${spec}: integrity ${integrity} is not the pinned ${pin.integrity}`);
    }
    execFileSync('tar', ['xzf', tarball, '-C', tmp]);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    keep[name](tmp, dest);
    writeFileSync(stamp, pin.integrity);
    console.log(`fetch.mjs: ${spec} -> ${dest}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function copyTree(from, to) {
  execFileSync('cp', ['-R', from + '/.', to]);
}

/**
 * Codex embeds its generated hook schemas (codex-rs/hooks/schema/generated/*.schema.json) in the
 * binary as JSON text: each starts with {"$schema": …} and carries its file name as "title".
 */
function codexSchemas(vendor, dest) {
  const target = readdirSync(vendor)[0];
  const binary = readFileSync(join(vendor, target, 'bin', 'codex'));
  const marker = Buffer.from('"$schema": "http://json-schema.org/draft-07/schema#"');
  let found = 0;
  for (let at = binary.indexOf(marker); at >= 0; at = binary.indexOf(marker, at + 1)) {
    const start = binary.lastIndexOf(0x7b /* { */, at);
    const end = closing(binary, start);
    if (end < 0) continue;
    let schema;
    try {
      schema = JSON.parse(binary.subarray(start, end + 1).toString('utf8'));
    } catch {
      continue;
    }
    if (typeof schema.title === 'string' && /^[a-z-]+\.command\.(input|output)$/.test(schema.title)) {
      writeFileSync(join(dest, schema.title + '.schema.json'), JSON.stringify(schema, null, 2) + '\n');
      found++;
    }
  }
  if (found === 0) throw new Error('no hook schemas found in the Codex binary');
}

/** The index of the brace that closes the object opening at `start`, or -1. */
function closing(buf, start) {
  let depth = 0;
  let inString = false;
  for (let i = start; i < Math.min(buf.length, start + (1 << 20)); i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i;
  }
  return -1;
}
