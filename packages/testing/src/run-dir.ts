// One run's temp dir and everything started in it: child processes and containers, listed in
// files the detached watchdog (assets/reaper.mjs) reads, so that nothing outlives the run
// even when the parent dies without stopping it (SIGKILL, crash, Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Docker engine's unix socket (DOCKER_HOST=unix://..., else the default path). */
export function dockerSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

export class RunDir {
  readonly dir: string;
  private children: ChildProcess[] = [];
  private containers = new Set<string>();
  private reaper: ChildProcess | undefined;
  private readonly onExit = () => {
    this.killAllSync();
  };

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 's3enc-test-'));
    process.on('exit', this.onExit);
    // Resolves to packages/testing/assets from src/ and from dist/ alike.
    const reaperPath = fileURLToPath(new URL('../assets/reaper.mjs', import.meta.url));
    this.reaper = spawn(
      process.execPath,
      [reaperPath, String(process.pid), this.dir, dockerSocketPath()],
      { detached: true, stdio: 'ignore' },
    );
    this.reaper.unref();
  }

  /** Starts a server process logging to `<dir>/<name>.log`, with a minimal environment. */
  spawn(name: string, bin: string, args: string[], env: Record<string, string>): ChildProcess {
    const logPath = join(this.dir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(bin, args, {
        cwd: this.dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, S3ENC_HARNESS_RUN: this.dir },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    child.on('error', (err) => {
      appendFileSync(logPath, `\nspawn error: ${err.message}\n`);
    });
    if (child.pid !== undefined) appendFileSync(join(this.dir, 'pids'), `${child.pid}\n`);
    this.children.push(child);
    return child;
  }

  /** Records a container id for the watchdog (call before starting it). */
  addContainer(id: string): void {
    this.containers.add(id);
    appendFileSync(join(this.dir, 'containers'), `${id}\n`);
  }

  /** The container was removed by a normal stop. */
  removedContainer(id: string): void {
    this.containers.delete(id);
  }

  private killAllSync(): void {
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    // Containers cannot be removed synchronously: leave them (and the run dir listing them) to
    // the watchdog, which acts as soon as this process is gone.
    if (this.containers.size > 0) return;
    if (!process.env.S3ENC_TEST_KEEP_RUN_DIR) rmSync(this.dir, { recursive: true, force: true });
    try {
      this.reaper?.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }

  /** Force-removes containers no normal stop removed (e.g. one whose start failed midway). */
  private async removeLeftContainers(): Promise<void> {
    await Promise.all(
      [...this.containers].map(
        (id) =>
          new Promise<void>((resolve) => {
            const req = http.request(
              {
                socketPath: dockerSocketPath(),
                method: 'DELETE',
                path: `/containers/${encodeURIComponent(id)}?force=true&v=true`,
                timeout: 20_000,
              },
              (res) => {
                res.resume();
                res.on('end', () => {
                  // 204 removed, 404 already gone: either way not ours to track any more.
                  if (res.statusCode === 204 || res.statusCode === 404) this.containers.delete(id);
                  resolve();
                });
              },
            );
            req.on('timeout', () => req.destroy());
            req.on('error', () => {
              resolve(); // left to the watchdog
            });
            req.end();
          }),
      ),
    );
  }

  /** Stops the processes (SIGTERM, SIGKILL after 5 s) and leftover containers, removes the
   * dir, ends the watchdog. */
  async stop(): Promise<void> {
    process.off('exit', this.onExit);
    if (this.containers.size > 0) await this.removeLeftContainers();
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise<void>((r) => {
          c.once('exit', () => {
            r();
          });
        });
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }),
    );
    this.killAllSync();
  }
}
