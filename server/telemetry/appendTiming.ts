import { Histogram } from 'prom-client';
import type { MeetingStore } from '../store/MeetingStore.js';

/**
 * The store with its appends timed: every meeting command waits for one (the event must be durable before anyone is
 * told), so a slow disk or a distant Redis shows here first (`diemcau_store_append_seconds`, alerted on). The
 * histogram is registered with the other metrics.
 */
export function timeAppends<S extends MeetingStore>(store: S): { store: S; appendSeconds: Histogram } {
  const appendSeconds = new Histogram({
    name: 'diemcau_store_append_seconds',
    help: "Time to make a batch of a meeting's events durable in the store",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });
  const timed = new Proxy(store, {
    get(target, property) {
      if (property === 'append') {
        return async (meetingId: string, events: Parameters<MeetingStore['append']>[1]) => {
          const done = appendSeconds.startTimer();
          try {
            await target.append(meetingId, events);
          } finally {
            done();
          }
        };
      }
      // The store's own members, on the store itself (its private fields are not the proxy's).
      const value: unknown = Reflect.get(target, property, target);

      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });

  return { store: timed, appendSeconds };
}
