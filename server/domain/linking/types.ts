import type { Point, Unit } from '../directory/directory.js';

/**
 * The shapes a linked meeting keeps of its links (a child as its parent sees it, the link up as the child sees it,
 * the report a child sends, the content a parent shows), apart from their rules (linking.ts, relayedSlides.ts), so
 * that the meeting's model, events and commands can name them without importing the rules.
 */

/** A child meeting as the parent sees it (`MeetingState.links`, by the unit it was invited for). */
export interface LinkedChild {
  unitId: string;
  /** The invitation's token id: one child at a time may hold it. */
  tokenId: string;
  childMeetingId: string;
  title: string;
  state: 'linked' | 'lost' | 'unlinked';
  since: number;
  /** The child's own hall (its hub), as a point of the parent. */
  hallPointId: string;
  /** The child's units and points in the parent's names, kept so that an amended definition keeps them. */
  units: Unit[];
  points: Point[];
  /** Parent id → the id in the child. */
  localIds: Record<string, string>;
  /** The child meeting and every meeting linked below it (loop prevention). */
  lineage: string[];
}

/** What a child reports of itself when it links (and again on every resume). */
export interface ChildReport {
  meetingId: string;
  title: string;
  hub: Point;
  units: Unit[];
  /** Invited points (the hub excluded), with the child's own linked points already prefixed. */
  points: Point[];
  /** Point ids (the child's) connected now. */
  connected: string[];
  /** Every meeting id on the child's side (itself and its descendants): a parent among them is a loop. */
  lineage: string[];
}

/** The child's side: this meeting linked up to a parent (`MeetingState.uplink`). */
export interface Uplink {
  parentUrl: string;
  /**
   * Which invitation the link uses (a fingerprint, not the invitation: the credential itself is kept apart, in the
   * coordinator's LinkCredentials).
   */
  linkTokenId: string;
  /** The invitation itself, only in logs written before credentials were kept apart (used once, then kept apart). */
  legacyLinkToken?: string;
  parentMeetingId: string | null;
  /** The unit of the parent this meeting stands for, once the parent said so. */
  unitId: string | null;
  parentTitle: string | null;
  /** The parent's hub ("Điểm cầu Trung ương") and its agenda item now, as the parent last said (absent in older logs). */
  parentHubName?: string | null;
  parentAgendaItem?: string | null;
  /** Where this meeting's forwarded requests wait in the parent's queue, by point (1 = next). */
  parentQueue?: Record<string, number>;
  state: 'connecting' | 'linked' | 'lost';
  since: number;
  /** The child shows the parent's program to its points (tiếp sóng), or its own. */
  relaying: boolean;
  /** Local roll call id → the parent's, for roll calls held on the parent's behalf. */
  rollCalls: Record<string, string>;
  /** The slides the parent shows now, if any (absent in logs written before slides crossed links). */
  parentSlides?: ParentSlides | null;
  /** The screen the parent shows now, if any (absent in logs written before screens crossed links). */
  parentScreen?: ParentScreen | null;
}

/**
 * A document's page the parent shows beside its speaker, as a child relays it: the child's consoles draw the same page,
 * its image fetched once through the link (`pagesAt` names where on the parent's coordinator the pages are: its own
 * documents, or slides it relays from its own parent in turn).
 */
export interface ParentSlides {
  documentId: string;
  documentName: string;
  page: number;
  pages: number | null;
  presenterName: string;
  since: number;
  pagesAt: 'documents' | 'parent-documents';
}

/**
 * A screen the parent shows beside its speaker, as a child relays it: its picture comes down the media pipe (a shared
 * screen shown at the centre, or one the parent relays from its own parent in turn).
 */
export interface ParentScreen {
  presenterName: string;
  since: number;
}
