// Run selected nodes in DAG order, `threads` at a time. A failure skips everything downstream.
import type { NodeGraph } from '../graph/node-graph.js';

export interface ScheduleOptions {
  threads: number;
  failFast?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export type TaskOutcome = 'success' | 'error';

export interface ScheduleCallbacks {
  /** Run one node; resolve 'error' on failure (never reject for expected failures). */
  run(id: string, slot: number): Promise<TaskOutcome>;
  /** A node not run: an upstream failed (`cause` = failed/skipped ancestor), or the run stopped. */
  skip(id: string, reason: { upstream?: string | undefined; stopped?: boolean }): void;
}

/**
 * Dependencies between selected nodes, looking through unselected ones:
 * if a → b → c and only a and c are selected, c waits for a.
 */
export function selectedDependencies(graph: NodeGraph, selected: ReadonlySet<string>): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const id of selected) {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [...graph.inNeighbors(id)];
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      if (selected.has(p)) found.add(p);
      else stack.push(...graph.inNeighbors(p));
    }
    deps.set(id, found);
  }
  return deps;
}

export async function schedule(graph: NodeGraph, selected: ReadonlySet<string>, order: readonly string[], options: ScheduleOptions, cb: ScheduleCallbacks): Promise<void> {
  const deps = selectedDependencies(graph, selected);
  const dependents = new Map<string, string[]>();
  const remaining = new Map<string, number>();
  for (const [id, ps] of deps) {
    remaining.set(id, ps.size);
    for (const p of ps) (dependents.get(p) ?? dependents.set(p, []).get(p)!).push(id);
  }
  // Ready queue keeps topological order so output is stable.
  const rank = new Map(order.map((id, i) => [id, i]));
  const ready = order.filter((id) => selected.has(id) && remaining.get(id) === 0);
  const done = new Set<string>();
  let stopped = false;
  const freeSlots = Array.from({ length: options.threads }, (_, i) => options.threads - i);

  const finish = (id: string, ok: boolean, cause?: string) => {
    done.add(id);
    for (const child of dependents.get(id) ?? []) {
      if (done.has(child)) continue;
      if (!ok) {
        skipTree(child, cause ?? id);
        continue;
      }
      const left = (remaining.get(child) ?? 1) - 1;
      remaining.set(child, left);
      if (left === 0) insertReady(child);
    }
  };
  const skipTree = (id: string, cause: string) => {
    if (done.has(id)) return;
    cb.skip(id, { upstream: cause });
    finish(id, false, cause);
  };
  const insertReady = (id: string) => {
    const r = rank.get(id) ?? 0;
    let i = ready.length;
    while (i > 0 && (rank.get(ready[i - 1]!) ?? 0) > r) i--;
    ready.splice(i, 0, id);
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = () => {
      if (options.signal?.aborted) stopped = true;
      while (!stopped && running < options.threads && ready.length) {
        const id = ready.shift()!;
        const slot = freeSlots.pop()!;
        running++;
        cb.run(id, slot)
          .catch(() => 'error' as const)
          .then((outcome) => {
            running--;
            freeSlots.push(slot);
            if (outcome === 'error' && options.failFast) stopped = true;
            finish(id, outcome === 'success');
            pump();
          });
      }
      if (running === 0) {
        for (const id of order) if (selected.has(id) && !done.has(id)) {
          cb.skip(id, { stopped: true });
          done.add(id);
        }
        resolve();
      }
    };
    pump();
  });
}
