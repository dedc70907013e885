// Watchdog for the test servers. Started detached by @s3enc/testing (src/run-dir.ts):
//   node reaper.mjs <parentPid> <runDir> [<dockerSocket>]
// If the parent (the vitest or script process) dies without stopping the servers (SIGKILL,
// crash, Ctrl-C), this kills every pid listed in <runDir>/pids whose environment carries
// S3ENC_HARNESS_RUN=<runDir>, force-removes every container listed in <runDir>/containers
// through the Docker engine API, removes <runDir> and exits. A normal stop kills the reaper.
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';

const parentPid = Number(process.argv[2]);
const runDir = process.argv[3];
const dockerSocket = process.argv[4] || '/var/run/docker.sock';
if (!Number.isInteger(parentPid) || !runDir) process.exit(2);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ours(pid) {
  if (process.platform !== 'linux') return true;
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    return environ.includes(`S3ENC_HARNESS_RUN=${runDir}`);
  } catch {
    return false;
  }
}

function lines(file) {
  try {
    return readFileSync(`${runDir}/${file}`, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function removeContainer(id) {
  if (!/^[0-9a-f]{12,64}$/.test(id)) return Promise.resolve();
  return new Promise((resolve) => {
    const req = http.request(
      {
        socketPath: dockerSocket,
        method: 'DELETE',
        path: `/containers/${id}?force=true&v=true`,
        timeout: 20_000,
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', resolve);
    req.end();
  });
}

async function reap() {
  for (const pid of lines('pids').map(Number)) {
    if (Number.isInteger(pid) && pid > 1 && alive(pid) && ours(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  await Promise.all(lines('containers').map(removeContainer));
  try {
    rmSync(runDir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
  process.exit(0);
}

const timer = setInterval(() => {
  if (!alive(parentPid)) {
    clearInterval(timer);
    void reap();
  }
}, 500);
