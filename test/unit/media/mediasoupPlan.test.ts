import { describe, expect, it } from 'vitest';
import {
  consumerKey,
  desiredConsumers,
  diffConsumers,
  placeConsumers,
  preferredLayers,
} from '../../../server/media/mediasoup/plan.js';
import { planRouting, type MediaParticipant } from '../../../server/media/routing.js';
import { Meeting } from '../../helpers/domain.js';

const chair: MediaParticipant = { id: 'c1', role: 'chair', pointId: null };
const pt = (n: string): MediaParticipant => ({ id: `p-${n}`, role: 'point', pointId: `DC-${n}` });

describe('mediasoup routing decisions', () => {
  it('consumes the program in high layer, the grid in low layer, and only open microphones', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    const plan = planRouting(m.state, [chair, pt('X1'), pt('X2')], m.now);
    const specs = desiredConsumers(plan);
    expect(specs.filter((s) => s.consumer === 'p-X1')).toEqual([
      { consumer: 'p-X1', producer: 'c1', kind: 'video', layer: 'high', purpose: 'hub' },
      { consumer: 'p-X1', producer: 'p-X2', kind: 'video', layer: 'high', purpose: 'speaker' },
      { consumer: 'p-X1', producer: 'c1', kind: 'audio', layer: 'high', purpose: 'audio' },
      { consumer: 'p-X1', producer: 'p-X2', kind: 'audio', layer: 'high', purpose: 'audio' },
    ]);
    expect(specs.filter((s) => s.consumer === 'c1' && s.purpose === 'grid').map((s) => [s.producer, s.layer])).toEqual([
      ['p-X1', 'low'],
      ['p-X2', 'low'],
    ]);
    // Linear in points: each point consumes at most the program and a few open microphones.
    expect(specs.filter((s) => s.consumer === 'p-X1').length).toBeLessThanOrEqual(2 + 6);
  });

  it('revoking the floor closes the speaker consumers everywhere and creates nothing', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    const participants = [chair, pt('X1'), pt('X2')];
    const before = new Set(desiredConsumers(planRouting(m.state, participants, m.now)).map(consumerKey));
    m.run({ type: 'floor.revoke' });
    const { create, close } = diffConsumers(before, desiredConsumers(planRouting(m.state, participants, m.now)));
    expect(create).toEqual([]);
    expect(close.sort()).toEqual([
      'c1|p-X2|audio|audio',
      'c1|p-X2|video|speaker',
      'p-X1|p-X2|audio|audio',
      'p-X1|p-X2|video|speaker',
    ]);
  });

  it('keeps consumers on a router until its budget, then opens one on the least-loaded other worker', () => {
    expect(placeConsumers([], [10, 3], 500)).toEqual({ newRouterOnWorker: 1 });
    expect(placeConsumers([{ worker: 0, consumers: 499 }], [499, 0], 500)).toEqual({ router: 0 });
    expect(placeConsumers([{ worker: 0, consumers: 500 }], [500, 200, 100], 500)).toEqual({ newRouterOnWorker: 2 });
    expect(
      placeConsumers(
        [
          { worker: 0, consumers: 500 },
          { worker: 1, consumers: 12 },
        ],
        [500, 12],
        500,
      ),
    ).toEqual({ router: 1 });
  });

  it('thumbnails ask for the lowest simulcast layer, the program for the highest', () => {
    expect(preferredLayers('low')).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    expect(preferredLayers('high')).toEqual({ spatialLayer: 2, temporalLayer: 2 });
  });
});
