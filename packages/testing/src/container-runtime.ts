// The container runtime: MinIO and local-kms as containers (testcontainers' GenericContainer),
// ports published on the host's 127.0.0.1 only. MinIO serves TLS itself with the run's
// certificate copied in; local-kms speaks plain HTTP, so, exactly as in the process runtime,
// clients reach it only through the Node TLS terminator on 127.0.0.1 (see docs/testing.md).
// Testcontainers' reaper (Ryuk) is disabled: the run dir's watchdog removes our containers.
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import type { TestCerts } from './certs.js';
import { imageFor, type ImageOptions } from './images.js';
import { httpsStatus, kmsPing, tail, waitUntil } from './probes.js';
import { localKmsEnv, minioEnv, type StartedServer } from './process-runtime.js';
import { dockerSocketPath, type RunDir } from './run-dir.js';
import { seedYaml } from './seed.js';
import { startTlsProxy } from './tls-proxy.js';

type Testcontainers = typeof import('testcontainers');

const MINIO_PORT = 9000;
const KMS_PORT = 8080;

/**
 * Loads testcontainers with its reaper off (its image cannot be pulled everywhere; the run
 * dir's watchdog does that job) and, for a local engine, the host pinned to 127.0.0.1, where
 * the ports are published (its own guess may be a bridge gateway, e.g. inside a VM sandbox).
 */
async function loadTestcontainers(): Promise<Testcontainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const host = process.env.DOCKER_HOST;
  if (!host || host.startsWith('unix://')) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  return import('testcontainers');
}

/** True when a Docker engine answers (DOCKER_HOST or the default socket). */
export async function containerEngineReachable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync(dockerSocketPath())) return false;
  try {
    const tc = await loadTestcontainers();
    await tc.getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** GenericContainer whose published ports bind 127.0.0.1 and whose id the run dir records. */
function loopbackContainer(tc: Testcontainers, image: string, run: RunDir, logName: string) {
  class LoopbackContainer extends tc.GenericContainer {
    protected override beforeContainerCreated(): Promise<void> {
      const bindings = (this.hostConfig.PortBindings ?? {}) as Record<
        string,
        { HostIp?: string }[]
      >;
      for (const list of Object.values(bindings)) for (const b of list) b.HostIp = '127.0.0.1';
      return Promise.resolve();
    }
    protected override containerCreated(containerId: string): Promise<void> {
      run.addContainer(containerId);
      return Promise.resolve();
    }
  }
  return new LoopbackContainer(image)
    .withLabels({ 's3enc.testing': 'true', 's3enc.testing.run': run.dir })
    .withLogConsumer((stream) => {
      // <run dir>/<server>.log as in the process runtime (kept with S3ENC_TEST_KEEP_RUN_DIR=1).
      const file = createWriteStream(join(run.dir, `${logName}.log`), { flags: 'a' });
      file.on('error', () => {}); // the run dir may be gone first
      stream.pipe(file);
    });
}

/** Starts the container; a failure names the image and, for a pulled one, the way back. */
async function startNamed(
  c: { start(): Promise<StartedTestContainer> },
  server: string,
  image: { image: string; builtLocally: boolean },
  logFile: string,
): Promise<StartedTestContainer> {
  try {
    return await c.start();
  } catch (err) {
    const hint = image.builtLocally
      ? ''
      : ' (a configured image: is its registry reachable? Unset S3ENC_TEST_MINIO_IMAGE / ' +
        'S3ENC_TEST_LOCAL_KMS_IMAGE to build the image locally from the static binary)';
    throw new Error(
      `starting the ${server} container from ${image.image} failed: ${(err as Error).message.trim()}${hint}\n${tail(logFile)}`,
      { cause: err },
    );
  }
}

function stopper(run: RunDir, c: StartedTestContainer, after?: () => Promise<void>) {
  return async () => {
    await after?.();
    await c.stop({ remove: true, removeVolumes: true });
    run.removedContainer(c.getId());
  };
}

export interface ContainerRuntimeOptions extends ImageOptions {
  run: RunDir;
  certs: TestCerts;
  log: (m: string) => void;
}

export async function startMinioContainer(o: ContainerRuntimeOptions): Promise<StartedServer> {
  const tc = await loadTestcontainers();
  const chosen = await imageFor(tc, 'minio', o, o.log);
  const { image } = chosen;
  const container = await startNamed(
    loopbackContainer(tc, image, o.run, 'minio')
      .withCommand([
        'server',
        '--quiet',
        '--address',
        `:${MINIO_PORT}`,
        '--console-address',
        '127.0.0.1:9001',
        '--certs-dir',
        '/certs',
        '/data',
      ])
      .withEnvironment({ HOME: '/tmp', ...minioEnv() })
      .withTmpFs({ '/data': 'rw', '/tmp': 'rw' })
      .withCopyContentToContainer([
        { content: o.certs.cert, target: '/certs/public.crt' },
        { content: o.certs.key, target: '/certs/private.key', mode: 0o600 },
        { content: o.certs.ca, target: '/certs/CAs/s3enc-test-ca.crt' },
      ])
      .withExposedPorts(MINIO_PORT)
      .withWaitStrategy(
        tc.Wait.forHttp('/minio/health/live', MINIO_PORT).usingTls().allowInsecure(),
      )
      .withStartupTimeout(120_000),
    'MinIO',
    chosen,
    join(o.run.dir, 'minio.log'),
  );
  const endpoint = `https://127.0.0.1:${container.getMappedPort(MINIO_PORT)}`;
  const stop = stopper(o.run, container);
  try {
    // The wait strategy does not check the certificate; this does (the run's CA only).
    await waitUntil(
      'MinIO container',
      async () => (await httpsStatus(`${endpoint}/minio/health/live`, o.certs.ca)) === 200,
      { timeoutMs: 30_000 },
    );
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  o.log(`MinIO container ${container.getId().slice(0, 12)} (${image}) ready at ${endpoint}`);
  return { endpoint, stop };
}

export async function startKmsContainer(o: ContainerRuntimeOptions): Promise<StartedServer> {
  const tc = await loadTestcontainers();
  const chosen = await imageFor(tc, 'local-kms', o, o.log);
  const { image } = chosen;
  const container = await startNamed(
    loopbackContainer(tc, image, o.run, 'local-kms')
      .withEnvironment({
        PORT: String(KMS_PORT),
        // Inside the container's own network namespace; published on the host's 127.0.0.1 only.
        S3ENC_KMS_LISTEN_HOST: '0.0.0.0',
        KMS_SEED_PATH: '/init/seed.yaml',
        KMS_DATA_PATH: '/data',
        ...localKmsEnv(),
      })
      .withTmpFs({ '/data': 'rw' })
      .withCopyContentToContainer([{ content: seedYaml(), target: '/init/seed.yaml' }])
      .withExposedPorts(KMS_PORT)
      .withWaitStrategy(tc.Wait.forLogMessage(/Local KMS started on/))
      .withStartupTimeout(60_000),
    'local-kms',
    chosen,
    join(o.run.dir, 'local-kms.log'),
  );
  const plainPort = container.getMappedPort(KMS_PORT);
  let stop = stopper(o.run, container);
  try {
    await waitUntil('local-kms container', () => kmsPing(plainPort), { timeoutMs: 30_000 });
    const proxy = await startTlsProxy({
      cert: o.certs.cert,
      key: o.certs.key,
      targetPort: plainPort,
    });
    stop = stopper(o.run, container, () => proxy.close());
    const endpoint = `https://127.0.0.1:${proxy.port}`;
    o.log(
      `local-kms container ${container.getId().slice(0, 12)} (${image}) on 127.0.0.1:${plainPort}, ` +
        `TLS terminator at ${endpoint}`,
    );
    return { endpoint, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
