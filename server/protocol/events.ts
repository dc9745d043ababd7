import type { z } from 'zod';
import type { Actor, Health, Role } from '../domain/core/model.js';
import type { Ack, AckCallback } from './common.js';
import type { MESSAGES, MessageName } from './messages.js';
import type { REQUESTS, RequestName } from './requests.js';
import type { AttendanceRowView } from './http.js';
import type { HistoryColumns } from './telemetryWire.js';
import type { IceRestart, JoinResult, TransportOptions } from './mediaWire.js';
import type { IceServers } from './mediaWire.js';

/** What each request's successful ack carries besides `ok: true`. */
export interface AckResults {
  'floor:request': { requestId: string; position: number };
  'meeting:snapshot': { snapshot: z.infer<(typeof MESSAGES)['meeting:snapshot']['schema']> };
  'rollcall:start': { rollCallId: string };
  'rollcall:rerun': { rollCallId: string };
  'rollcall:tally': { rollCall: z.infer<(typeof MESSAGES)['rollcall:changed']['schema']> };
  'attendance:get': { rows: AttendanceRowView[] };
  'telemetry:sample': { health: Health };
  'auth:refresh': { token: string; expiresAt: number };
  'media:join': { join: JoinResult; ice: IceServers };
  'media:restart': { restart: IceRestart; ice: IceServers };
  'media:transport': { transport: TransportOptions };
  'media:produce': { producerId: string };
  'media:answer': object;
  'media:page': object;
  'media:leave': object;
  'telemetry:history': { history: HistoryColumns };
  'telemetry:latest': { rows: z.infer<(typeof MESSAGES)['telemetry:latest']['schema']>['rows'] };
}

export type AckResultOf<E extends RequestName> = E extends keyof AckResults ? AckResults[E] : { seq: number };

export type ClientToServerEvents = {
  [E in RequestName]: (payload: z.infer<(typeof REQUESTS)[E]['schema']>, ack: AckCallback<AckResultOf<E>>) => void;
};

export type ServerToClientEvents = {
  [E in MessageName]: (payload: z.infer<(typeof MESSAGES)[E]['schema']>) => void;
};

/** Reserved for multi-node (the Redis adapter). */
export type InterServerEvents = Record<string, never>;

/** What the auth middleware stores on each socket. */
export interface SocketData {
  meetingId: string;
  actor: Actor & { role: Role };
  tokenId: string;
  /** The join link the token is or was refreshed from (revocation closes every socket of a link). */
  linkId: string;
  /** When the token the socket stands on expires (epoch ms). */
  linkExpiresAt: number;
}

export type { Ack };
