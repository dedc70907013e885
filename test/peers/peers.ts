// Runs the interop peers (test/peers/java, test/peers/python) against the integration
// environment: the official S3 Encryption Clients for Java 4.x and Python 4.x, the AWS SDK for
// Java v1 encryption clients (the V1-era writer Amazon SES uses, and V2), and the AWS Encryption
// SDK for Python. scripts/peers.sh builds them into the cache (idempotent; called here once per
// worker). Each peer reports one JSON line per object; see docs in each peer's source.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../harness/paths.js';
import type { TestEnv } from '../harness/types.js';

const run = promisify(execFile);

interface PeersManifest {
  python: string;
  pythonDir: string;
  java: string;
  javaClasspath: string;
}

let manifest: PeersManifest | undefined;

/** Builds (first call, cold cache) or finds the peers; throws with the script's output on failure. */
export function peersManifest(): PeersManifest {
  if (manifest) return manifest;
  let out: string;
  try {
    out = execFileSync('bash', [join(repoRoot, 'scripts', 'peers.sh'), '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`scripts/peers.sh failed: ${err.stderr ?? err.message}`, { cause: e });
  }
  const last = out.trim().split('\n').pop() ?? '';
  manifest = JSON.parse(last) as PeersManifest;
  return manifest;
}

let trustStore: string | undefined;

/** A PKCS12 truststore holding the run's CA, for the Java peers (made once per worker). */
export function javaTrustStore(env: TestEnv): string {
  if (trustStore) return trustStore;
  if (!env.caPath) throw new Error('the Java peers need the test CA (env.caPath is empty)');
  const path = join(mkdtempSync(join(tmpdir(), 's3enc-peers-tls-')), 'ca.p12');
  execFileSync(
    'keytool',
    [
      '-importcert',
      '-noprompt',
      '-alias',
      's3enc-test-ca',
      '-file',
      env.caPath,
      '-keystore',
      path,
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
    ],
    { stdio: 'ignore' },
  );
  trustStore = path;
  return path;
}

/** The variables every peer reads (test/peers/java Env.java, test/peers/python peer_env.py). */
export function peerProcessEnv(env: TestEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: 'C.UTF-8',
    S3ENC_PEER_S3_ENDPOINT: env.s3.endpoint,
    S3ENC_PEER_S3_REGION: env.s3.region,
    S3ENC_PEER_S3_ACCESS_KEY_ID: env.s3.credentials.accessKeyId,
    S3ENC_PEER_S3_SECRET_ACCESS_KEY: env.s3.credentials.secretAccessKey,
    S3ENC_PEER_KMS_ENDPOINT: env.kms.endpoint,
    S3ENC_PEER_KMS_REGION: env.kms.region,
    S3ENC_PEER_KMS_ACCESS_KEY_ID: env.kms.credentials.accessKeyId,
    S3ENC_PEER_KMS_SECRET_ACCESS_KEY: env.kms.credentials.secretAccessKey,
    S3ENC_PEER_CA_FILE: env.caPath,
    // No credential or config file of the machine may leak into a peer.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** One object's outcome as a peer reports it. */
export interface PeerObjectResult {
  key: string;
  ok: boolean;
  error?: string;
}

export interface PeerRun {
  /** Exit code: 0 only when every object succeeded. */
  code: number;
  results: PeerObjectResult[];
  stderr: string;
}

/** Flags of a Java or Python S3EC peer run (see Args.java / s3ec_peer.py). */
export interface S3ecPeerFlags {
  bucket: string;
  kmsKeyId?: string;
  /** A file holding the 32 raw bytes of an AES key (Java only). */
  aesKeyFile?: string;
  /** An RSA private key, PKCS#8 PEM (Java only). */
  rsaKeyFile?: string;
  format?: 'v3' | 'v2';
  context?: Record<string, string>;
  /** Added to the material description (Java; for SDK v1 KMS, the encryption context). */
  matdesc?: Record<string, string>;
  instructionFile?: boolean;
  instructionSuffix?: string;
  /** Read with the legacy wrapping algorithms and unauthenticated modes enabled. */
  legacy?: boolean;
  /** SDK v1 V1-era client: EncryptionOnly mode (AES/CBC content). */
  cbc?: boolean;
  multipart?: boolean;
  partSize?: number;
}

function s3ecArgs(f: S3ecPeerFlags, objects: readonly (readonly [string, string])[]): string[] {
  const a = ['--bucket', f.bucket];
  if (f.kmsKeyId) a.push('--kms-key-id', f.kmsKeyId);
  if (f.aesKeyFile) a.push('--aes-key-file', f.aesKeyFile);
  if (f.rsaKeyFile) a.push('--rsa-key-file', f.rsaKeyFile);
  if (f.format) a.push('--format', f.format);
  if (f.context) a.push('--context-json', JSON.stringify(f.context));
  if (f.matdesc) a.push('--matdesc-json', JSON.stringify(f.matdesc));
  if (f.instructionFile) a.push('--instruction-file');
  if (f.instructionSuffix) a.push('--instruction-suffix', f.instructionSuffix);
  if (f.legacy) a.push('--legacy');
  if (f.cbc) a.push('--cbc');
  if (f.multipart) a.push('--multipart');
  if (f.partSize !== undefined) a.push('--part-size', String(f.partSize));
  for (const [key, file] of objects) a.push('--object', `${key}=${file}`);
  return a;
}

/** Runs a peer process; a non-zero exit is a result, not an exception. */
async function execPeer(
  cmd: string,
  args: string[],
  env: TestEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, {
      env: peerProcessEnv(env),
      maxBuffer: 16 * 1024 * 1024,
      timeout: 5 * 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? err.message,
    };
  }
}

function jsonLines<T>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}

async function runPeer(cmd: string, args: string[], env: TestEnv): Promise<PeerRun> {
  const { code, stdout, stderr } = await execPeer(cmd, args, env);
  return { code, results: jsonLines<PeerObjectResult>(stdout), stderr };
}

/** The Java clients: `v4` (S3EC 4.x), `sdk1-v1` (AmazonS3EncryptionClient), `sdk1-v2`. */
export type JavaClient = 'v4' | 'sdk1-v1' | 'sdk1-v2';

/** Runs a Java peer over objects ([S3 key, local file] pairs: the source of a put, the target of a get). */
export function runJavaPeer(
  env: TestEnv,
  client: JavaClient,
  op: 'put' | 'get',
  flags: S3ecPeerFlags,
  objects: readonly (readonly [string, string])[],
): Promise<PeerRun> {
  const m = peersManifest();
  return runPeer(
    m.java,
    [
      // Start fast: these are short runs.
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Djavax.net.ssl.trustStore=${javaTrustStore(env)}`,
      '-Djavax.net.ssl.trustStorePassword=changeit',
      '-Djavax.net.ssl.trustStoreType=PKCS12',
      '-cp',
      m.javaClasspath,
      'dev.s3enc.peers.Main',
      client,
      op,
      ...s3ecArgs(flags, objects),
    ],
    env,
  );
}

/** Runs the Python S3 Encryption Client peer (KMS keyring only). */
export function runPythonS3ecPeer(
  env: TestEnv,
  op: 'put' | 'get',
  flags: S3ecPeerFlags,
  objects: readonly (readonly [string, string])[],
): Promise<PeerRun> {
  const m = peersManifest();
  if (!flags.kmsKeyId) throw new Error('the Python S3EC peer takes a KMS key only');
  const { aesKeyFile, rsaKeyFile, matdesc, instructionFile, cbc } = flags;
  if (aesKeyFile || rsaKeyFile || matdesc || instructionFile || cbc) {
    throw new Error(
      'the Python S3EC peer cannot write raw keys, material descriptions, instruction files or CBC',
    );
  }
  return runPeer(
    m.python,
    [join(m.pythonDir, 's3ec_peer.py'), op, ...s3ecArgs(flags, objects)],
    env,
  );
}

/** Options of the AWS Encryption SDK for Python peer. */
export interface EsdkPeerOptions {
  kmsKeyId?: string;
  /** Raw AES key file (32 raw bytes, 64 hex or 44 base64 characters) with its namespace and name. */
  aesKeyFile?: string;
  namespace?: string;
  keyName?: string;
  context?: Record<string, string>;
  frameLength?: number;
  signed?: boolean;
}

export interface EsdkDecryptResult {
  ok: boolean;
  error?: string;
  encryptionContext?: Record<string, string>;
  suite?: number;
  frameLength?: number;
}

/** Encrypts or decrypts message files ([input, output] pairs) with the AWS Encryption SDK for Python. */
export async function runEsdkPeer(
  env: TestEnv,
  op: 'encrypt' | 'decrypt',
  pairs: readonly (readonly [string, string])[],
  o: EsdkPeerOptions,
): Promise<{ code: number; results: EsdkDecryptResult[]; stderr: string }> {
  const m = peersManifest();
  const a = [join(m.pythonDir, 'esdk_peer.py'), op];
  for (const [i, out] of pairs) a.push('--in', i, '--out', out);
  if (o.kmsKeyId) a.push('--kms-key-id', o.kmsKeyId);
  if (o.aesKeyFile) a.push('--aes-key-file', o.aesKeyFile);
  if (o.namespace) a.push('--namespace', o.namespace);
  if (o.keyName) a.push('--key-name', o.keyName);
  if (o.context) a.push('--context-json', JSON.stringify(o.context));
  if (o.frameLength !== undefined) a.push('--frame-length', String(o.frameLength));
  if (o.signed) a.push('--signed');
  const { code, stdout, stderr } = await execPeer(m.python, a, env);
  return { code, results: jsonLines<EsdkDecryptResult>(stdout), stderr };
}

/** Writes `bytes` to a fresh file in a private temp dir and returns its path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  const p = join(mkdtempSync(join(tmpdir(), 's3enc-peers-')), name);
  writeFileSync(p, bytes, { mode: 0o600 });
  return p;
}
