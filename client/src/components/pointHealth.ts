import type { Health } from '../../../server/domain/model.js';
import type { PointStatus } from '../../../server/protocol/messages.js';

/** What a point's status reads as: its link class, lost (joined, then dropped) or not joined yet. */
export type ShownHealth = Health | 'notJoined';

/** A mark per status, so a status never rests on colour alone (small squares, counts). */
export const HEALTH_GLYPH: Record<ShownHealth, string> = {
  stable: '✓',
  unstable: '!',
  disconnected: '✕',
  notJoined: '–',
};

/** A point that never joined is grey "chưa vào", not red "mất kết nối": only real drops read as lost. */
export const shownHealth = (p: Pick<PointStatus, 'connected' | 'joined' | 'health'>): ShownHealth =>
  p.connected ? p.health : p.joined ? 'disconnected' : 'notJoined';
