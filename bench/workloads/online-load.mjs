// The load of the online workload (bench/online.mjs): a writer inserting and updating `account` at a
// steady rate on one loopback connection, timing each write, and a sampler of the ACCESS EXCLUSIVE
// locks granted on the workload's tables.
import pg from 'pg';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Inserts and updates `account` at a steady rate on one loopback connection, timing each write. */
export function startWriter(url, { rows, rate }) {
  const stats = { writes: 0, failed: 0, longestWaitMs: 0, errors: [] };
  const client = new pg.Client({ connectionString: url });
  let stopping = false;
  const done = (async () => {
    await client.connect();
    const interval = 1000 / rate;
    let next = performance.now();
    for (let i = 0; !stopping; i++) {
      const started = performance.now();
      try {
        if (i % 2 === 0)
          await client.query(`INSERT INTO account (owner_id, balance, code) VALUES (1, 1, 'w')`);
        else
          await client.query('UPDATE account SET balance = balance + 1 WHERE id = $1', [
            1 + ((i * 7919) % rows),
          ]);
      } catch (error) {
        stats.failed += 1;
        if (stats.errors.length < 3) stats.errors.push(error.message);
      }
      stats.writes += 1;
      stats.longestWaitMs = Math.max(stats.longestWaitMs, performance.now() - started);
      next += interval;
      const pause = next - performance.now();
      if (pause > 0) await sleep(pause);
      else next = performance.now();
    }
    await client.end();
  })();
  return {
    stats,
    stop: async () => {
      stopping = true;
      await done;
      return stats;
    },
  };
}

/** Samples granted ACCESS EXCLUSIVE locks on the workload's tables; a hold is first to last sighting. */
export function startLockSampler(url, sampleMs) {
  const holds = new Map();
  const client = new pg.Client({ connectionString: url });
  let stopping = false;
  const done = (async () => {
    await client.connect();
    while (!stopping) {
      const rows = (
        await client.query(
          `SELECT l.pid, a.xact_start::text AS xact FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted
             AND l.relation IN ('account'::regclass, 'owner'::regclass)`,
        )
      ).rows;
      const now = performance.now();
      for (const row of rows) {
        const key = `${row.pid}/${row.xact}`;
        const hold = holds.get(key) ?? { first: now, last: now };
        hold.last = now;
        holds.set(key, hold);
      }
      await sleep(sampleMs);
    }
    await client.end();
  })();
  return {
    stop: async () => {
      stopping = true;
      await done;
      const longest = Math.max(0, ...[...holds.values()].map((h) => h.last - h.first));
      return { longestExclusiveMs: longest, exclusiveHolds: holds.size };
    },
  };
}
