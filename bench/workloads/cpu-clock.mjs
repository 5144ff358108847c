// CPU time of one measurement: this process's (user + system) plus the PostgreSQL server's, read
// from /proc for the postmaster and every backend under it (a backend that exits is counted in the
// postmaster's reaped-children time), leaving out the server's background processes. On a machine shared with other work, wall time measures the
// queue for the cores as much as the work; CPU time is the steadier figure. Linux only: elsewhere
// `serverCpuClock` returns undefined and only wall time is reported.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Fields after the command name in /proc/<pid>/stat (the name may contain spaces). */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime (fields 14, 15), and with `reaped`, cutime + cstime (16, 17), in ms. */
function cpuOf(fields, reaped) {
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return (utime + stime + (reaped ? cutime + cstime : 0)) * TICK_MS;
}

/**
 * The server's own long-lived processes (checkpointer, WAL writer, …) work on their own schedule,
 * for whatever ran before; only backends (the workload's connections) are counted.
 */
const BACKGROUND =
  /^postgres: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|stats collector|archiver|io worker|walsummarizer)/;
const background = new Map();
function isBackgroundProcess(pid) {
  if (!background.has(pid))
    background.set(pid, BACKGROUND.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
  return background.get(pid);
}

/**
 * A function returning the server's CPU time so far (ms), or undefined when /proc cannot be read
 * (not Linux, or a server on another machine).
 */
export async function serverCpuClock(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let postmaster;
  try {
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
    // Read while the backend is still there: its parent is the postmaster.
    postmaster = Number(statFields(rows[0].pid)[1]);
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
  try {
    statFields(postmaster);
    const backendsMs = () => {
      let ms = 0;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const fields = statFields(entry);
          if (Number(fields[1]) === postmaster && !isBackgroundProcess(entry)) ms += cpuOf(fields, false);
        } catch {
          // the process was reaped between listing and reading: its time is now the postmaster's
        }
      }
      return ms;
    };
    // A backend reaped while the backends are read would be in neither reading (a client that has
    // just closed its connection returns before its backend has exited): read until the postmaster's
    // reaped-children time is the same before and after the backends.
    return () => {
      for (let attempt = 0; ; attempt += 1) {
        const before = cpuOf(statFields(postmaster), true);
        const backends = backendsMs();
        const after = cpuOf(statFields(postmaster), true);
        if (before === after || attempt === 20) return after + backends;
      }
    };
  } catch {
    return undefined;
  }
}

/** This process's CPU time so far (ms). */
export function processCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Starts a measurement; `stop()` returns { ms, cpuMs, clientCpuMs } (cpuMs: this process + the
 * server, or undefined when the server's time cannot be read; clientCpuMs: this process alone).
 */
export function startMeasure(serverCpu) {
  const server0 = serverCpu?.();
  const cpu0 = processCpuMs();
  const t0 = performance.now();
  return {
    stop() {
      const ms = performance.now() - t0;
      const clientCpu = processCpuMs() - cpu0;
      const server = serverCpu?.();
      return {
        ms,
        cpuMs: server0 === undefined ? undefined : clientCpu + server - server0,
        clientCpuMs: clientCpu,
      };
    },
  };
}

/**
 * CPU time (ms) of this process's children that have ended and been waited for: taken before and
 * after a synchronous spawn, the difference is that command's own time, from spawn to exit.
 */
export function endedChildrenCpuMs() {
  const [cutime, cstime] = statFields('self').slice(13, 15).map(Number);
  return (cutime + cstime) * TICK_MS;
}
