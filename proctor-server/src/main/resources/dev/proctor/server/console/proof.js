// Checks a proof file's inclusion proof in the browser (RFC 9162 section 2.1.3.2, the same
// algorithm as the server's Merkle.verifyInclusion): the receipt's leaf hash, walked up its audit
// path, must give the checkpoint's root. The checkpoint's Ed25519 signature is for
// `proctor audit verify` with the log's public key; this check needs no key and no trust in the
// console beyond the arithmetic.

const enc = new TextEncoder();
const TAIL = ',"schema":"proctor.proof/1","treeSize":';

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function unhex(s) {
  if (!/^([0-9a-f]{2})*$/.test(s)) {
    throw new Error('not lower-case hex: ' + s.slice(0, 20));
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

async function sha256(prefix, ...parts) {
  const total = 1 + parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(total);
  buf[0] = prefix;
  let at = 1;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

/**
 * The receipt's exact canonical text inside a proof file. The file is canonical JSON (members
 * sorted), so the receipt is the member between "receipt": and the closing schema and treeSize;
 * the members before it (checkpoint, inclusion, leafIndex) are the server's own hex and numbers.
 */
export function receiptText(proofText) {
  const text = proofText.trimEnd();
  const start = text.indexOf(',"receipt":{', text.indexOf('"leafIndex":'));
  const end = text.lastIndexOf(TAIL);
  if (start < 0 || end < start) {
    throw new Error('not a proctor.proof/1 document');
  }
  return text.slice(start + ',"receipt":'.length, end);
}

/** Checks the inclusion proof in a proof file's text: { ok, leafHash, root, computed, … }. */
export async function checkInclusion(proofText) {
  const proof = JSON.parse(proofText);
  if (proof.schema !== 'proctor.proof/1') {
    throw new Error('not a proctor.proof/1 document');
  }
  const leaf = await sha256(0, enc.encode(receiptText(proofText)));
  let fn = BigInt(proof.leafIndex);
  let sn = BigInt(proof.treeSize) - 1n;
  if (fn > sn || BigInt(proof.checkpoint.size) !== BigInt(proof.treeSize)) {
    return { ok: false, why: 'the leaf index is outside the checkpoint', leafHash: hex(leaf) };
  }
  let r = leaf;
  for (const h of proof.inclusion) {
    const p = unhex(h);
    if (sn === 0n) {
      return { ok: false, why: 'the audit path is too long', leafHash: hex(leaf) };
    }
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(1, p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await sha256(1, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  const computed = hex(r);
  const ok = sn === 0n && computed === proof.checkpoint.root;
  return {
    ok,
    why: ok ? 'the receipt is in the signed tree' : 'the audit path does not lead to the checkpoint root',
    leafHash: hex(leaf),
    computed,
    root: proof.checkpoint.root,
    treeSize: proof.treeSize,
    leafIndex: proof.leafIndex,
    checkpoint: proof.checkpoint,
  };
}
