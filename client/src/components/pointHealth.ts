import type { Health } from '../../../server/domain/core/model.js';
import type { PointStatus } from '../../../server/protocol/messages.js';

/**
 * What a point's status reads as: its link class, lost (joined, then dropped), not joined yet, or unknown because its
 * own meeting's link to this one is down (linked meetings).
 */
export type ShownHealth = Health | 'notJoined' | 'linkDown';

/** A mark per status, so a status never rests on colour alone (small squares, counts). */
export const HEALTH_GLYPH: Record<ShownHealth, string> = {
  stable: '✓',
  unstable: '!',
  disconnected: '✕',
  notJoined: '–',
  linkDown: '?',
};

/** A point that never joined is grey "chưa vào", not red "mất kết nối": only real drops read as lost. */
export const shownHealth = (p: Pick<PointStatus, 'connected' | 'joined' | 'health' | 'linkLost'>): ShownHealth =>
  p.linkLost ? 'linkDown' : p.connected ? p.health : p.joined ? 'disconnected' : 'notJoined';
