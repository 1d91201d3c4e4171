// KeyPackage creation (sdk/src/messages/key-package-create.ts) and validation (sdk/src/messages/validate.ts):
// create → encode → decode → validate on suites 1-3 with both providers (and across them); the mlswg welcome.json
// KeyPackages (github.com/mlswg/mls-implementations test-vectors) validate; one failing input for every named
// check of RFC 9420 §10.1 / §7.3, asserting the error code and that the message names the check; the member-wide
// §7.3 checks (MemberLeaves); a batch of 100 with one last-resort package.
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { makeKeyPackageRef, signWithLabel } from '../../sdk/src/crypto/labels.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { nobleExtraSuite } from '../../sdk/src/crypto/noble-extra.ts';
import { wasmSuite } from '../../sdk/src/crypto/wasm-provider.ts';
import { decode } from '../../sdk/src/codec/reader.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import { isGrease } from '../../sdk/src/messages/capabilities.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import type { Credential } from '../../sdk/src/messages/credential.ts';
import {
  findExtension,
  LAST_RESORT_EXTENSION_TYPE,
  requiredCapabilitiesExtension,
  type Extension,
} from '../../sdk/src/messages/extensions.ts';
import {
  createKeyPackage,
  createKeyPackages,
  createLeafNode,
  defaultCapabilities,
  signLeafNode,
  type CreatedKeyPackage,
} from '../../sdk/src/messages/key-package-create.ts';
import { decodeKeyPackage, encodeKeyPackage, keyPackageTBS, type KeyPackage } from '../../sdk/src/messages/key-package.ts';
import { decodeLeafNode, encodeLeafNode, leafNodeTBS, LeafNodeSource, type LeafNode, type LeafNodeContent } from '../../sdk/src/messages/leaf-node.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import {
  KeyPackageCheck,
  LeafNodeCheck,
  MemberLeaves,
  validateKeyPackage,
  validateLeafNode,
  verifyKeyPackageSignatures,
  type ValidationCheckName,
} from '../../sdk/src/messages/validate.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { hex, throwsCode, toHex, utf8 } from '../lib/bytes.ts';
import { mlsVectors } from '../lib/vectors.ts';

const core = await loadCore();
const providers: Record<string, (id: number) => CipherSuite> = {
  noble: (id) => nobleSuite(id),
  wasm: (id) => wasmSuite(core, id),
};
const basic = (name: string): Credential => ({ kind: 'basic', identity: utf8(name) });
const NOW = 1_750_000_000n; // a fixed "now" in seconds (June 2025)
const nowDate = new Date(Number(NOW) * 1000);

/** Expect `f` to fail with `code` and a message naming `check`. */
function fails(f: () => unknown, code: string, check: ValidationCheckName): void {
  const e = throwsCode(f, code);
  expect(e.message).to.include(`[${check}]`);
}

describe('createKeyPackage → encode → decode → validateKeyPackage', () => {
  for (const id of [1, 2, 3]) {
    for (const [pname, make] of Object.entries(providers)) {
      const cs = make(id);
      const other = providers[pname === 'noble' ? 'wasm' : 'noble']!(id);
      it(`suite ${id} on ${pname} (validated by both providers)`, () => {
        const sig = cs.signatureKeyGen();
        const created = createKeyPackage({ suite: cs, credential: basic('alice'), signaturePrivateKey: sig.privateKey, now: nowDate });
        // The MLSMessage wrapping (§6) decodes to the same KeyPackage; the plain bytes are its body.
        const m = mlsMessageFrom(created.message);
        expect(m.wireFormat).to.equal(WireFormat.mls_key_package);
        if (m.wireFormat !== WireFormat.mls_key_package) return;
        const kp = m.keyPackage;
        expect(toHex(encode((w) => encodeKeyPackage(w, kp)))).to.equal(toHex(created.keyPackageBytes));
        expect(toHex(created.message.subarray(4))).to.equal(toHex(created.keyPackageBytes));
        // KeyPackageRef (§5.2) over the encoded KeyPackage.
        expect(created.ref.length).to.equal(cs.Nh);
        expect(toHex(makeKeyPackageRef(other, created.keyPackageBytes))).to.equal(toHex(created.ref));
        // Both providers accept it.
        for (const suite of [cs, other]) {
          const v = validateKeyPackage(kp, { suite, now: NOW });
          expect(v).to.equal(kp);
        }
        // The private keys belong to the public ones; the two keys differ (§10.1).
        expect(toHex(cs.hpkePublicKey(created.initPrivateKey))).to.equal(toHex(kp.initKey));
        expect(toHex(cs.hpkePublicKey(created.encryptionPrivateKey))).to.equal(toHex(kp.leafNode.encryptionKey));
        expect(toHex(kp.initKey)).to.not.equal(toHex(kp.leafNode.encryptionKey));
        expect(toHex(kp.leafNode.signatureKey)).to.equal(toHex(sig.publicKey));
        // Fields: version mls10, the suite, source key_package, default lifetime now-1h .. now+90d.
        expect(kp.version).to.equal(1);
        expect(kp.cipherSuite).to.equal(id);
        const leaf = kp.leafNode;
        expect(leaf.leafNodeSource).to.equal(LeafNodeSource.key_package);
        if (leaf.leafNodeSource !== LeafNodeSource.key_package) return;
        expect(leaf.lifetime.notBefore).to.equal(NOW - 3600n);
        expect(leaf.lifetime.notAfter).to.equal(NOW + 90n * 86400n);
        // Capabilities: mls10, this suite, basic and x509 credentials, one GREASE value per greasable list.
        const c = leaf.capabilities;
        expect(c.versions).to.deep.equal([1]);
        expect(c.cipherSuites.filter((x) => !isGrease(x))).to.deep.equal([id]);
        expect(c.credentials.filter((x) => !isGrease(x))).to.deep.equal([1, 2]);
        expect(c.extensions.filter((x) => !isGrease(x))).to.deep.equal([]);
        expect(c.proposals.filter((x) => !isGrease(x))).to.deep.equal([]);
        for (const list of [c.cipherSuites, c.extensions, c.proposals, c.credentials])
          expect(list.filter(isGrease).length).to.equal(1);
        expect(kp.extensions).to.deep.equal([]);
      });
    }
  }

  it('takes a given lifetime, extensions and capabilities, adding the types it uses (§7.2, §10)', () => {
    const cs = nobleSuite(1);
    const sig = cs.signatureKeyGen();
    const leafExt: Extension = { extensionType: 0xff01, extensionData: hex('0102') };
    const kpExt: Extension = { extensionType: 0xff02, extensionData: new Uint8Array(0) };
    const appId: Extension = { extensionType: 0x0001, extensionData: hex('00') };
    const created = createKeyPackage({
      suite: cs,
      credential: { kind: 'unknown', credentialType: 0xf00d, body: hex('aa') },
      signaturePrivateKey: sig.privateKey,
      signaturePublicKey: sig.publicKey,
      lifetime: { notBefore: 10n, notAfter: 20n },
      extensions: [kpExt],
      leafExtensions: [leafExt, appId],
      capabilities: { versions: [1], cipherSuites: [1, 3], extensions: [], proposals: [0xff09], credentials: [1] },
      lastResort: true,
      grease: false,
    });
    const kp = decode(created.keyPackageBytes, decodeKeyPackage, 'KeyPackage');
    const leaf = kp.leafNode;
    expect(leaf.capabilities).to.deep.equal({
      versions: [1],
      cipherSuites: [1, 3],
      extensions: [0xff02, LAST_RESORT_EXTENSION_TYPE, 0xff01], // application_id is a default type: not listed
      proposals: [0xff09],
      credentials: [1, 0xf00d],
    });
    if (leaf.leafNodeSource !== LeafNodeSource.key_package) throw new Error('source');
    expect(leaf.lifetime).to.deep.equal({ notBefore: 10n, notAfter: 20n });
    expect(findExtension(kp.extensions, LAST_RESORT_EXTENSION_TYPE)?.extensionData.length).to.equal(0);
    validateKeyPackage(kp, { suite: cs, now: 15n });
    fails(() => validateKeyPackage(kp, { suite: cs, now: 21n }), 'INVALID_KEY_PACKAGE', LeafNodeCheck.lifetime);
    throwsCode(() => createKeyPackage({ suite: cs, credential: basic('a'), signaturePrivateKey: sig.privateKey, lifetime: { notBefore: 2n, notAfter: 1n } }), 'INVALID_MESSAGE');
  });

  it('a KeyPackage made on one provider validates on the other, for 20 random packages per suite', () => {
    for (const id of [1, 2, 3]) {
      const n = nobleSuite(id);
      const w = wasmSuite(core, id);
      for (let i = 0; i < 20; i++) {
        const [mk, check] = i % 2 ? [n, w] : [w, n];
        const sig = mk.signatureKeyGen();
        const c = createKeyPackage({ suite: mk, credential: basic(`m${i}`), signaturePrivateKey: sig.privateKey });
        validateKeyPackage(decode(c.keyPackageBytes, decodeKeyPackage, 'KeyPackage'), { suite: check });
      }
    }
  });
});

// --- welcome.json: each entry's key_package is an MLSMessage holding a KeyPackage (lifetime 0 .. 2^64-1). ---
type WelcomeEntry = { cipher_suite: number; key_package: string };
const welcome = await mlsVectors<WelcomeEntry>('welcome.json');

describe('welcome.json (mlswg interop vectors): the KeyPackages validate', () => {
  if (!welcome) {
    it.skip('welcome.json not installed (see README "Test vectors")', () => {});
    return;
  }
  it('has 7 entries, suites 1-7', () => {
    expect(welcome.map((e) => e.cipher_suite)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });
  for (const e of welcome) {
    const suites: [string, CipherSuite][] =
      e.cipher_suite <= 3
        ? [['noble', nobleSuite(e.cipher_suite)], ['wasm', wasmSuite(core, e.cipher_suite)]]
        : [['noble-extra', nobleExtraSuite(e.cipher_suite)]];
    for (const [pname, cs] of suites) {
      it(`suite ${e.cipher_suite} on ${pname}`, () => {
        const m = mlsMessageFrom(hex(e.key_package));
        if (m.wireFormat !== WireFormat.mls_key_package) throw new Error('not a KeyPackage');
        validateKeyPackage(m.keyPackage, { suite: cs, now: NOW });
        // Any tampering is caught by a signature (the last byte of the KeyPackage is in its signature).
        const bytes = hex(e.key_package);
        bytes[bytes.length - 1]! ^= 1;
        const t = mlsMessageFrom(bytes);
        if (t.wireFormat !== WireFormat.mls_key_package) throw new Error('not a KeyPackage');
        fails(() => validateKeyPackage(t.keyPackage, { suite: cs, now: NOW }), 'INVALID_KEY_PACKAGE', KeyPackageCheck.signature);
      });
    }
  }
});

// --- Negative tests: every check, with an input that fails only it (the signatures are redone after each change). ---

describe('validateKeyPackage: one failing input per check (RFC 9420 §10.1, §7.3)', () => {
  const cs = wasmSuite(core, 1);
  const sig = cs.signatureKeyGen();
  const base = createKeyPackage({ suite: cs, credential: basic('bob'), signaturePrivateKey: sig.privateKey, now: nowDate }).keyPackage;
  const C = 'INVALID_KEY_PACKAGE';

  /** `base` with changes, leaf and KeyPackage re-signed so only the change is wrong. */
  function variant(
    change: { leaf?: Partial<LeafNodeContent>; kp?: Partial<Omit<KeyPackage, 'leafNode' | 'signature'>> },
    sign = sig.privateKey,
  ): KeyPackage {
    const content = { ...base.leafNode, ...change.leaf } as LeafNodeContent;
    const leafNode = signLeafNode(cs, sign, content, { groupId: hex('01'), leafIndex: 0 as LeafIndex });
    const tbs = { ...base, ...change.kp, leafNode };
    return { ...tbs, signature: signWithLabel(cs, sign, 'KeyPackageTBS', keyPackageTBS(tbs)) };
  }
  const ok = (kp: KeyPackage, extra = {}) => validateKeyPackage(kp, { suite: cs, now: NOW, ...extra });

  it('the unchanged package and a re-signed copy pass', () => {
    ok(base);
    ok(variant({}));
  });
  it(`[${KeyPackageCheck.version}] version 2`, () => {
    fails(() => ok(variant({ kp: { version: 2 } })), C, KeyPackageCheck.version);
  });
  it(`[${KeyPackageCheck.cipherSuite}] a suite-1 package in a suite-3 group (same signature scheme)`, () => {
    fails(() => validateKeyPackage(base, { suite: wasmSuite(core, 3), now: NOW }), C, KeyPackageCheck.cipherSuite);
    fails(() => ok(variant({ kp: { cipherSuite: 3 } })), C, KeyPackageCheck.cipherSuite);
  });
  it(`[${KeyPackageCheck.signature}] a flipped bit in the KeyPackage signature, or signed by another key`, () => {
    const s = base.signature.slice();
    s[5]! ^= 0x20;
    fails(() => ok({ ...base, signature: s }), C, KeyPackageCheck.signature);
    const other = cs.signatureKeyGen().privateKey;
    const bad = { ...base, signature: signWithLabel(cs, other, 'KeyPackageTBS', keyPackageTBS(base)) };
    fails(() => ok(bad), C, KeyPackageCheck.signature);
    // Signed with the right key but the wrong label.
    const wrongLabel = { ...base, signature: signWithLabel(cs, sig.privateKey, 'LeafNodeTBS', keyPackageTBS(base)) };
    fails(() => ok(wrongLabel), C, KeyPackageCheck.signature);
  });
  it(`[${LeafNodeCheck.signature}] a flipped bit in the LeafNode signature (KeyPackage re-signed over it)`, () => {
    const s = base.leafNode.signature.slice();
    s[0]! ^= 1;
    const leafNode = { ...base.leafNode, signature: s } as LeafNode;
    const tbs = { ...base, leafNode };
    const kp = { ...tbs, signature: signWithLabel(cs, sig.privateKey, 'KeyPackageTBS', keyPackageTBS(tbs)) };
    fails(() => ok(kp), C, LeafNodeCheck.signature);
    // A changed field under an old signature.
    const forged = { ...base.leafNode, credential: basic('mallory') } as LeafNode;
    const tbs2 = { ...base, leafNode: forged };
    fails(() => ok({ ...tbs2, signature: signWithLabel(cs, sig.privateKey, 'KeyPackageTBS', keyPackageTBS(tbs2)) }), C, LeafNodeCheck.signature);
  });
  it('batch-verified signatures (verifyKeyPackageSignatures) give the same result per package as one by one', () => {
    const flip = (b: Uint8Array, i: number) => b.map((x, j) => (j === i ? x ^ 1 : x));
    const kpBad = { ...base, signature: flip(base.signature, 7) };
    const leafBad = (() => {
      const leafNode = { ...base.leafNode, signature: flip(base.leafNode.signature, 40) } as LeafNode;
      const tbs = { ...base, leafNode };
      return { ...tbs, signature: signWithLabel(cs, sig.privateKey, 'KeyPackageTBS', keyPackageTBS(tbs)) };
    })();
    const good = Array.from({ length: 6 }, () =>
      createKeyPackage({ suite: cs, credential: basic('x'), signaturePrivateKey: cs.signatureKeyGen().privateKey, now: nowDate }).keyPackage,
    );
    const list = [good[0]!, kpBad, good[1]!, good[2]!, leafBad, good[3]!, good[4]!, kpBad, good[5]!];
    const sigs = verifyKeyPackageSignatures(cs, list);
    expect(sigs.map((x) => `${x.leaf}/${x.keyPackage}`).join()).to.equal(
      list.map((kp) => (kp === kpBad ? 'true/false' : kp === leafBad ? 'false/true' : 'true/true')).join(),
    );
    list.forEach((kp, i) => {
      const one = (() => { try { ok(kp); return 'ok'; } catch (e) { return (e as Error).message; } })();
      const batched = (() => { try { ok(kp, { signatures: sigs[i] }); return 'ok'; } catch (e) { return (e as Error).message; } })();
      expect(batched).to.equal(one);
    });
    expect(verifyKeyPackageSignatures(cs, [])).to.deep.equal([]);
  });
  it(`[${LeafNodeCheck.lifetime}] expired, and not yet valid`, () => {
    const expired = variant({ leaf: { lifetime: { notBefore: NOW - 100n, notAfter: NOW - 1n } } as Partial<LeafNodeContent> });
    fails(() => ok(expired), C, LeafNodeCheck.lifetime);
    expect(throwsCode(() => ok(expired), C).message).to.include('expired');
    const early = variant({ leaf: { lifetime: { notBefore: NOW + 1n, notAfter: NOW + 100n } } as Partial<LeafNodeContent> });
    fails(() => ok(early), C, LeafNodeCheck.lifetime);
    expect(throwsCode(() => ok(early), C).message).to.include('not valid yet');
    // The bounds are inclusive; a Date works as "now"; the default "now" is the clock (the base is current).
    const edge = variant({ leaf: { lifetime: { notBefore: NOW, notAfter: NOW } } as Partial<LeafNodeContent> });
    ok(edge);
    validateKeyPackage(edge, { suite: cs, now: nowDate });
    fails(() => validateKeyPackage(expired, { suite: cs }), C, LeafNodeCheck.lifetime);
    validateKeyPackage(createKeyPackage({ suite: cs, credential: basic('now'), signaturePrivateKey: sig.privateKey }).keyPackage, { suite: cs });
  });
  it(`[${LeafNodeCheck.maxLifetime}] a lifetime longer than the application's maximum`, () => {
    ok(base, { maxLifetimeSeconds: 91n * 86400n });
    fails(() => ok(base, { maxLifetimeSeconds: 30n * 86400n }), C, LeafNodeCheck.maxLifetime);
  });
  it(`[${KeyPackageCheck.initKeyDistinct}] init_key equal to the leaf's encryption_key`, () => {
    fails(() => ok(variant({ kp: { initKey: base.leafNode.encryptionKey } })), C, KeyPackageCheck.initKeyDistinct);
  });
  it(`[${LeafNodeCheck.requiredCapabilities}] a required extension, proposal or credential type missing`, () => {
    const rc = (r: Partial<{ extensionTypes: number[]; proposalTypes: number[]; credentialTypes: number[] }>) => ({
      requiredCapabilities: { extensionTypes: [], proposalTypes: [], credentialTypes: [], ...r },
    });
    for (const r of [{ extensionTypes: [0xff10] }, { proposalTypes: [0xff11] }, { credentialTypes: [0xff12] }])
      fails(() => ok(base, rc(r)), C, LeafNodeCheck.requiredCapabilities);
    // Default types are implemented by all and never listed (§7.2, §11.1); basic and x509 are listed.
    ok(base, rc({ extensionTypes: [1, 2, 3, 4, 5], proposalTypes: [1, 2, 3, 4, 5, 6, 7], credentialTypes: [1, 2] }));
    // Read from the group's required_capabilities extension when not given directly.
    const ext = requiredCapabilitiesExtension({ extensionTypes: [], proposalTypes: [0xff11], credentialTypes: [] });
    fails(() => ok(base, { groupExtensions: [ext] }), C, LeafNodeCheck.requiredCapabilities);
    const withCap = variant({ leaf: { capabilities: { ...base.leafNode.capabilities, proposals: [0xff11] } } });
    ok(withCap, { groupExtensions: [ext] });
  });
  it(`[${LeafNodeCheck.groupExtensions}] a group context extension the leaf does not support (§13.4)`, () => {
    const g: Extension = { extensionType: 0xff20, extensionData: new Uint8Array(0) };
    fails(() => ok(base, { groupExtensions: [g] }), C, LeafNodeCheck.groupExtensions);
    ok(base, { groupExtensions: [{ extensionType: 0x0005, extensionData: hex('00') }] }); // default: external_senders
    ok(variant({ leaf: { capabilities: { ...base.leafNode.capabilities, extensions: [0xff20] } } }), { groupExtensions: [g] });
  });
  it(`[${LeafNodeCheck.extensionsInCapabilities}] a leaf extension not listed in its capabilities`, () => {
    const e: Extension = { extensionType: 0xff30, extensionData: hex('01') };
    fails(() => ok(variant({ leaf: { extensions: [e] } })), C, LeafNodeCheck.extensionsInCapabilities);
    ok(variant({ leaf: { extensions: [{ extensionType: 0x0001, extensionData: hex('00') }] } })); // default type
  });
  it(`[${KeyPackageCheck.extensionsInCapabilities}] a KeyPackage extension not listed (e.g. last_resort)`, () => {
    const lr: Extension = { extensionType: LAST_RESORT_EXTENSION_TYPE, extensionData: new Uint8Array(0) };
    fails(() => ok(variant({ kp: { extensions: [lr] } })), C, KeyPackageCheck.extensionsInCapabilities);
    ok(variant({ kp: { extensions: [lr] }, leaf: { capabilities: { ...base.leafNode.capabilities, extensions: [LAST_RESORT_EXTENSION_TYPE] } } }));
  });
  it(`[${LeafNodeCheck.credentialInCapabilities}] the credential type not in capabilities.credentials`, () => {
    fails(() => ok(variant({ leaf: { capabilities: { ...base.leafNode.capabilities, credentials: [2] } } })), C, LeafNodeCheck.credentialInCapabilities);
  });
  it(`[${LeafNodeCheck.memberCredentialsSupported}] a credential type used in the group not supported`, () => {
    fails(() => ok(base, { groupCredentialTypes: [0xff40] }), C, LeafNodeCheck.memberCredentialsSupported);
    ok(base, { groupCredentialTypes: [1, 2] });
  });
  it(`[${LeafNodeCheck.source}] a leaf with source update or commit inside a KeyPackage`, () => {
    const { lifetime: _, ...rest } = base.leafNode as LeafNodeContent & { lifetime: unknown };
    fails(() => ok(variant({ leaf: { ...rest, leafNodeSource: LeafNodeSource.update } as LeafNodeContent })), C, LeafNodeCheck.source);
    fails(() => ok(variant({ leaf: { ...rest, leafNodeSource: LeafNodeSource.commit, parentHash: hex('00') } as LeafNodeContent })), C, LeafNodeCheck.source);
  });
  it('unknown and GREASE values in capabilities and extensions are ignored (§13.4, §13.5)', () => {
    const caps = { versions: [1, 0x0a0a, 7], cipherSuites: [1, 0xeaea, 0x1234], extensions: [0x2a2a, 0xff50], proposals: [0x3a3a], credentials: [1, 0x4a4a] };
    const g: Extension = { extensionType: 0x2a2a, extensionData: hex('deadbeef') };
    ok(variant({ leaf: { capabilities: caps, extensions: [g] }, kp: { extensions: [{ extensionType: 0xff50, extensionData: hex('') }] } }));
  });
  it('a failed validation leaves the package unchanged', () => {
    const before = encode((w) => encodeKeyPackage(w, base));
    fails(() => ok(base, { groupCredentialTypes: [0xff40] }), C, LeafNodeCheck.memberCredentialsSupported);
    expect(toHex(encode((w) => encodeKeyPackage(w, base)))).to.equal(toHex(before));
  });
});

describe('validateLeafNode and createLeafNode (update and commit leaves, §7.3)', () => {
  const cs = wasmSuite(core, 1);
  const sig = cs.signatureKeyGen();
  const groupId = hex('0011223344');
  const leafIndex = 3 as LeafIndex;
  const cred = basic('carol');
  const update = createLeafNode({ suite: cs, credential: cred, signaturePrivateKey: sig.privateKey, source: { kind: 'update' }, groupId, leafIndex });
  const commitKey = cs.hpkeGenerateKeyPair();
  const commit = createLeafNode({
    suite: cs,
    credential: cred,
    signaturePrivateKey: sig.privateKey,
    source: { kind: 'commit', parentHash: hex('abcd') },
    encryptionKey: commitKey.publicKey,
    groupId,
    leafIndex,
  });

  it('update and commit leaves validate with their group id and leaf index', () => {
    expect(update.encryptionPrivateKey).to.not.equal(undefined);
    expect(toHex(cs.hpkePublicKey(update.encryptionPrivateKey!))).to.equal(toHex(update.leafNode.encryptionKey));
    expect(commit.encryptionPrivateKey).to.equal(undefined);
    expect(toHex(commit.leafNode.encryptionKey)).to.equal(toHex(commitKey.publicKey));
    const v = validateLeafNode(update.leafNode, { suite: cs, expectedSource: LeafNodeSource.update, groupId, leafIndex });
    expect(v).to.equal(update.leafNode);
    validateLeafNode(commit.leafNode, { suite: cs, expectedSource: LeafNodeSource.commit, groupId, leafIndex });
    validateLeafNode(commit.leafNode, { suite: wasmSuite(core, 3), groupId, leafIndex }); // any source
  });
  it('decoded leaves and KeyPackages give the TBS bytes their re-encoding gives (taken from the wire)', () => {
    const ctx = { groupId, leafIndex };
    for (const leaf of [update.leafNode, commit.leafNode, createKeyPackage({ suite: cs, credential: cred, signaturePrivateKey: sig.privateKey }).keyPackage.leafNode]) {
      const decoded = decode(encode((w) => encodeLeafNode(w, leaf)), decodeLeafNode, 'leaf');
      const fresh = { ...decoded }; // a copy is not in the wire-bytes table: encoded again
      expect(toHex(leafNodeTBS(decoded, ctx))).to.equal(toHex(leafNodeTBS(fresh, ctx)));
      expect(toHex(leafNodeTBS(decoded, ctx))).to.equal(toHex(leafNodeTBS(leaf, ctx)));
      // The result is the caller's: changing it does not change the next one.
      leafNodeTBS(decoded, ctx).fill(0);
      expect(toHex(leafNodeTBS(decoded, ctx))).to.equal(toHex(leafNodeTBS(fresh, ctx)));
      if (leaf.leafNodeSource !== LeafNodeSource.key_package) throwsCode(() => leafNodeTBS(decoded), 'INVALID_MESSAGE');
    }
    const kp = createKeyPackage({ suite: cs, credential: cred, signaturePrivateKey: sig.privateKey }).keyPackage;
    const decodedKp = decode(encode((w) => encodeKeyPackage(w, kp)), decodeKeyPackage, 'kp');
    keyPackageTBS(decodedKp).fill(0);
    expect(toHex(keyPackageTBS(decodedKp))).to.equal(toHex(keyPackageTBS({ ...decodedKp })));
    expect(toHex(keyPackageTBS(decodedKp))).to.equal(toHex(keyPackageTBS(kp)));
  });
  it(`[${LeafNodeCheck.source}] a commit leaf where an update is expected, and the reverse`, () => {
    fails(() => validateLeafNode(commit.leafNode, { suite: cs, expectedSource: LeafNodeSource.update, groupId, leafIndex }), 'INVALID_MESSAGE', LeafNodeCheck.source);
    fails(() => validateLeafNode(update.leafNode, { suite: cs, expectedSource: LeafNodeSource.commit, groupId, leafIndex, code: 'INVALID_COMMIT' }), 'INVALID_COMMIT', LeafNodeCheck.source);
    fails(() => validateLeafNode(update.leafNode, { suite: cs, expectedSource: LeafNodeSource.key_package }), 'INVALID_MESSAGE', LeafNodeCheck.source);
  });
  it(`[${LeafNodeCheck.signature}] another group id or leaf index than signed, or none`, () => {
    const o = { suite: cs, expectedSource: LeafNodeSource.update, code: 'INVALID_PROPOSAL' } as const;
    fails(() => validateLeafNode(update.leafNode, { ...o, groupId: hex('0011223345'), leafIndex }), 'INVALID_PROPOSAL', LeafNodeCheck.signature);
    fails(() => validateLeafNode(update.leafNode, { ...o, groupId, leafIndex: 4 as LeafIndex }), 'INVALID_PROPOSAL', LeafNodeCheck.signature);
    fails(() => validateLeafNode(update.leafNode, { ...o, groupId }), 'INVALID_MESSAGE', LeafNodeCheck.signature);
  });
  it('the capability checks apply to update leaves too; key_package leaves in a tree get lifetime checks', () => {
    const o = { suite: cs, expectedSource: LeafNodeSource.update, groupId, leafIndex };
    fails(() => validateLeafNode(update.leafNode, { ...o, requiredCapabilities: { extensionTypes: [0xff60], proposalTypes: [], credentialTypes: [] } }), 'INVALID_MESSAGE', LeafNodeCheck.requiredCapabilities);
    fails(() => validateLeafNode(update.leafNode, { ...o, groupCredentialTypes: [0xff61] }), 'INVALID_MESSAGE', LeafNodeCheck.memberCredentialsSupported);
    const kpLeaf = createKeyPackage({ suite: cs, credential: cred, signaturePrivateKey: sig.privateKey, lifetime: { notBefore: 5n, notAfter: 9n } }).keyPackage.leafNode;
    validateLeafNode(kpLeaf, { suite: cs, leafIndex }); // no now: lifetime not checked (§7.3 RECOMMENDED only)
    validateLeafNode(kpLeaf, { suite: cs, now: 7n });
    fails(() => validateLeafNode(kpLeaf, { suite: cs, now: 10n }), 'INVALID_MESSAGE', LeafNodeCheck.lifetime);
  });
  it('signLeafNode refuses an update leaf without its group context', () => {
    const { signature: _, ...content } = update.leafNode;
    throwsCode(() => signLeafNode(cs, sig.privateKey, content as LeafNodeContent), 'INVALID_MESSAGE');
  });
});

describe('MemberLeaves: the §7.3 checks over the members', () => {
  const cs = nobleSuite(1);
  const gid = hex('99');
  const mk = (i: number, credential: Credential = basic(`m${i}`), credentials?: number[]) => {
    const sig = cs.signatureKeyGen();
    const capabilities = credentials && { ...defaultCapabilities(cs), credentials };
    return {
      sig,
      leaf: createLeafNode({ suite: cs, credential, signaturePrivateKey: sig.privateKey, source: { kind: 'update' }, groupId: gid, leafIndex: i as LeafIndex, capabilities, grease: false }).leafNode,
    };
  };
  const members = [0, 1, 2, 3].map((i) => mk(i));
  const tree = () => MemberLeaves.from(members.map((m, i) => [i as LeafIndex, m.leaf] as const));

  it('a fresh leaf passes; the members pass when replacing themselves', () => {
    const t = tree();
    expect(t.size).to.equal(4);
    t.check(mk(4).leaf);
    // An Update keeping its signature key (not its encryption key) is checked against the other members only.
    for (let i = 0; i < 4; i++) {
      const m = members[i]!;
      const { leafNode } = createLeafNode({ suite: cs, credential: m.leaf.credential, signaturePrivateKey: m.sig.privateKey, source: { kind: 'update' }, groupId: gid, leafIndex: i as LeafIndex });
      t.check(leafNode, { replacing: i as LeafIndex, code: 'INVALID_PROPOSAL' });
      fails(() => t.check(leafNode, { replacing: ((i + 1) % 4) as LeafIndex }), 'INVALID_MESSAGE', LeafNodeCheck.signatureKeyUnique);
    }
  });
  it(`[${LeafNodeCheck.encryptionKeyUnique}] and [${LeafNodeCheck.signatureKeyUnique}]`, () => {
    const t = tree();
    const fresh = mk(4).leaf;
    fails(() => t.check({ ...fresh, encryptionKey: members[2]!.leaf.encryptionKey } as LeafNode), 'INVALID_MESSAGE', LeafNodeCheck.encryptionKeyUnique);
    fails(() => t.check({ ...fresh, signatureKey: members[1]!.leaf.signatureKey } as LeafNode, { code: 'INVALID_PROPOSAL' }), 'INVALID_PROPOSAL', LeafNodeCheck.signatureKeyUnique);
    // A member's update may keep its signature key, not another member's.
    t.check({ ...fresh, signatureKey: members[1]!.leaf.signatureKey } as LeafNode, { replacing: 1 as LeafIndex });
    fails(() => t.check({ ...fresh, signatureKey: members[1]!.leaf.signatureKey } as LeafNode, { replacing: 0 as LeafIndex }), 'INVALID_MESSAGE', LeafNodeCheck.signatureKeyUnique);
    // Earlier Adds of the same commit count once added; removed members stop counting.
    t.add(4 as LeafIndex, fresh);
    fails(() => t.check({ ...mk(5).leaf, encryptionKey: fresh.encryptionKey } as LeafNode), 'INVALID_MESSAGE', LeafNodeCheck.encryptionKeyUnique);
    t.remove(4 as LeafIndex);
    t.check({ ...mk(5).leaf, encryptionKey: fresh.encryptionKey } as LeafNode);
    throwsCode(() => t.add(0 as LeafIndex, fresh), 'INVALID_MESSAGE');
  });
  it(`[${LeafNodeCheck.updateChangesEncryptionKey}] an Update that keeps the encryption key`, () => {
    const t = tree();
    fails(() => t.check(members[2]!.leaf, { replacing: 2 as LeafIndex, code: 'INVALID_PROPOSAL' }), 'INVALID_PROPOSAL', LeafNodeCheck.updateChangesEncryptionKey);
  });
  it(`[${LeafNodeCheck.credentialSupportedByMembers}] and [${LeafNodeCheck.memberCredentialsSupported}]`, () => {
    const x509: Credential = { kind: 'x509', certificates: [hex('3000')] };
    // Member 3 supports only basic: an x509 newcomer is refused, unless member 3 is the one being replaced.
    const m = [...members.slice(0, 3), mk(3, basic('m3'), [1])];
    const t = MemberLeaves.from(m.map((x, i) => [i as LeafIndex, x.leaf] as const));
    const newcomer = mk(4, x509).leaf;
    fails(() => t.check(newcomer), 'INVALID_MESSAGE', LeafNodeCheck.credentialSupportedByMembers);
    t.check(newcomer, { replacing: 3 as LeafIndex });
    t.remove(3 as LeafIndex);
    t.check(newcomer);
    // Once an x509 member is in, a leaf supporting only basic is refused.
    t.add(4 as LeafIndex, newcomer);
    const basicOnly = mk(5, basic('m5'), [1]).leaf;
    fails(() => t.check(basicOnly), 'INVALID_MESSAGE', LeafNodeCheck.memberCredentialsSupported);
    t.check(basicOnly, { replacing: 4 as LeafIndex }); // it replaces the only x509 member
  });
});

describe('createKeyPackages: a batch of 100 with one last-resort package', () => {
  it('all distinct refs, keys and bytes; only the last is last-resort; all validate', () => {
    const cs = wasmSuite(core, 1);
    const sig = cs.signatureKeyGen();
    const batch: CreatedKeyPackage[] = createKeyPackages(100, { suite: cs, credential: basic('dave'), signaturePrivateKey: sig.privateKey }, { lastResort: true });
    expect(batch.length).to.equal(100);
    expect(new Set(batch.map((b) => toHex(b.ref))).size).to.equal(100);
    const keys = new Set(batch.flatMap((b) => [toHex(b.keyPackage.initKey), toHex(b.keyPackage.leafNode.encryptionKey)]));
    expect(keys.size).to.equal(200);
    const lastResort = batch.filter((b) => findExtension(b.keyPackage.extensions, LAST_RESORT_EXTENSION_TYPE) !== undefined);
    expect(lastResort.length).to.equal(1);
    expect(lastResort[0]).to.equal(batch[99]);
    expect(batch[99]!.keyPackage.leafNode.capabilities.extensions).to.include(LAST_RESORT_EXTENSION_TYPE);
    expect(batch[0]!.keyPackage.leafNode.capabilities.extensions.filter((t) => !isGrease(t))).to.deep.equal([]);
    for (const b of batch) {
      const kp = decode(b.keyPackageBytes, decodeKeyPackage, 'KeyPackage');
      validateKeyPackage(kp, { suite: cs });
      expect(toHex(makeKeyPackageRef(cs, b.keyPackageBytes))).to.equal(toHex(b.ref));
      expect(toHex(kp.leafNode.signatureKey)).to.equal(toHex(sig.publicKey));
    }
    throwsCode(() => createKeyPackages(0, { suite: cs, credential: basic('x'), signaturePrivateKey: sig.privateKey }, { lastResort: true }), 'INVALID_MESSAGE');
    expect(createKeyPackages(0, { suite: cs, credential: basic('x'), signaturePrivateKey: sig.privateKey }).length).to.equal(0);
  });
});
