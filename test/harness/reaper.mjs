// Watchdog for the test servers. Started detached by servers.ts:
//   node reaper.mjs <parentPid> <runDir>
// If the parent (the vitest or script process) dies without stopping the servers (SIGKILL,
// crash, Ctrl-C during startup), this kills every pid listed in <runDir>/pids whose
// environment carries S3ENC_HARNESS_RUN=<runDir>, removes <runDir> and exits. A normal stop
// kills the reaper itself.
import { readFileSync, rmSync } from 'node:fs';

const parentPid = Number(process.argv[2]);
const runDir = process.argv[3];
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

function reap() {
  let pids = [];
  try {
    pids = readFileSync(`${runDir}/pids`, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    /* nothing started */
  }
  for (const pid of pids) {
    if (Number.isInteger(pid) && pid > 1 && alive(pid) && ours(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  try {
    rmSync(runDir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
  process.exit(0);
}

setInterval(() => {
  if (!alive(parentPid)) reap();
}, 500);
