import type { RequestName } from '../protocol/requests.js';
import { TokenBucket } from './TokenBucket.js';

/** Requests share a budget by class, so a flood of one kind cannot starve the others. */
export type RateClass = 'chair' | 'floor' | 'rollcall' | 'telemetry' | 'query' | 'readiness' | 'media' | 'consume';

export const RATE_CLASSES: Record<RequestName, RateClass> = {
  'meeting:open': 'chair',
  'meeting:start': 'chair',
  'meeting:end': 'chair',
  'meeting:snapshot': 'query',
  'agenda:advance': 'chair',
  'point:readiness': 'readiness',
  'floor:request': 'floor',
  'floor:withdraw': 'floor',
  'floor:release': 'floor',
  'floor:grant': 'chair',
  'floor:deny': 'chair',
  'floor:forward': 'chair',
  'uplink:relay': 'chair',
  'rollcall:confirmHall': 'chair',
  'floor:reorder': 'chair',
  'floor:priority': 'chair',
  'floor:revoke': 'chair',
  'floor:next': 'chair',
  'floor:limit': 'chair',
  'floor:answer': 'chair',
  'rollcall:start': 'chair',
  'rollcall:rerun': 'chair',
  'rollcall:confirm': 'rollcall',
  'rollcall:close': 'chair',
  'rollcall:tally': 'query',
  'attendance:get': 'query',
  'telemetry:sample': 'telemetry',
  'telemetry:history': 'query',
  'telemetry:latest': 'query',
  'alert:ack': 'chair',
  'auth:refresh': 'query',
  'mic:muteAll': 'chair',
  'mic:set': 'chair',
  'scan:set': 'chair',
  'record:summary': 'chair',
  'record:conclusion': 'chair',
  'task:assign': 'chair',
  'task:status': 'chair',
  'slides:show': 'chair',
  'screen:start': 'chair',
  'content:stop': 'chair',
  'content:keep': 'chair',
  'media:join': 'media',
  'media:answer': 'media',
  'media:restart': 'media',
  'media:page': 'query',
  'media:capabilities': 'media',
  'media:transport': 'media',
  'media:connect': 'media',
  'media:produce': 'media',
  'media:resume': 'consume',
  'media:leave': 'media',
  'media:screen': 'media',
};

/**
 * Per class: a burst and a sustained rate per socket. A chair under pressure clicks fast; a point needs a handful of
 * floor requests a minute; telemetry follows the sample interval (twice its rate, a burst of 3 for catch-up).
 */
export function rateBudgets(telemetryIntervalMs: number): Record<RateClass, { capacity: number; perSecond: number }> {
  return {
    chair: { capacity: 30, perSecond: 10 },
    floor: { capacity: 5, perSecond: 1 },
    rollcall: { capacity: 5, perSecond: 1 },
    readiness: { capacity: 10, perSecond: 5 },
    telemetry: { capacity: 3, perSecond: 2000 / telemetryIntervalMs },
    query: { capacity: 10, perSecond: 5 },
    // A mediasoup join is 8 requests (join, capabilities, 2 transports, 2 connects, 2 produces): the burst holds a
    // join and two rejoins after a dead worker, so recovering media is never throttled.
    media: { capacity: 24, perSecond: 2 },
    // Each consumer is resumed once: a chair's grid page is a dozen at once, a new page a dozen more.
    consume: { capacity: 64, perSecond: 32 },
  };
}

/** One socket's buckets. `multiplier` scales every budget (config `RATE_LIMIT_MULTIPLIER`; fuzzing runs unthrottled). */
export function socketLimiter(telemetryIntervalMs: number, multiplier: number): (name: RequestName) => boolean {
  const budgets = rateBudgets(telemetryIntervalMs);
  const buckets = new Map<RateClass, TokenBucket>();

  return (name) => {
    const rateClass = RATE_CLASSES[name];
    let bucket = buckets.get(rateClass);
    if (bucket === undefined) {
      const { capacity, perSecond } = budgets[rateClass];
      bucket = new TokenBucket({ capacity: capacity * multiplier, perSecond: perSecond * multiplier });
      buckets.set(rateClass, bucket);
    }

    return bucket.take();
  };
}
