import { useEffect, useState } from 'react';
import type { DownlinkView } from '../../../server/protocol/mediaWire.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import { MediaClient, type DeviceError, type Elsewhere, type SlotView } from './MediaClient.js';

export type MediaPhase = 'off' | 'starting' | 'live' | 'failed';

export interface MediaView {
  client: MediaClient | null;
  phase: MediaPhase;
  error: string | null;
  slots: SlotView[];
  local: MediaStream | null;
  /** Why camera or microphone could not be opened: the point only receives. */
  deviceError: DeviceError | null;
  /** The media connections' state (connected, disconnected, failed…), for the reconnect banner. */
  linkState: RTCPeerConnectionState | null;
  /** Opens camera and microphone again and rejoins (after a refusal or a failed start), without a reload. */
  retry: () => void;
  /** Another page of this point holds its media; `takeOver` moves it here. */
  elsewhere: Elsewhere | null;
  takeOver: () => void;
  /** What the point's link lets through now (a lower layer, or no picture), as the bridge said. */
  downlink: DownlinkView | null;
}

const OFF: MediaView = {
  client: null,
  phase: 'off',
  error: null,
  slots: [],
  local: null,
  linkState: null,
  deviceError: null,
  retry: () => undefined,
  elsewhere: null,
  takeOver: () => undefined,
  downlink: null,
};

/** Joins the media bridge once the meeting socket is live, and re-renders as slots change. */
export function useMedia(meeting: MeetingClient, enabled: boolean): MediaView {
  const [view, setView] = useState<MediaView>(OFF);
  const socket = meeting.socket;
  useEffect(() => {
    if (!enabled || socket === null) {
      return undefined;
    }
    let closed = false;
    const media: MediaClient = new MediaClient({ socket, onChange: () => refresh() });
    const refresh = (patch: Partial<MediaView> = {}) => {
      if (!closed) {
        setView((before) => ({
          ...before,
          ...patch,
          client: media,
          slots: media.slots,
          local: media.localStream,
          linkState: media.connectionState,
          deviceError: media.deviceError,
          elsewhere: media.elsewhere,
          downlink: media.downlink,
        }));
      }
    };
    const poll = setInterval(() => refresh(), 1000);
    // Browser tests reach the media client and socket through this handle.
    (window as unknown as { diemcau: unknown }).diemcau = {
      media,
      socket,
      request: (event: never, payload: never) => meeting.send(event, payload),
    };
    const run = (attempt: Promise<void>) =>
      attempt
        .then(() => refresh({ phase: 'live', error: null }))
        .catch((error: unknown) => refresh({ phase: 'failed', error: (error as Error).message }));
    const retry = () => {
      refresh({ phase: 'starting' });
      void run(media.retryDevices());
    };
    const takeOver = () => void run(media.takeOver());
    refresh({ phase: 'starting', retry, takeOver });
    void run(media.start());

    return () => {
      closed = true;
      clearInterval(poll);
      media.close();
    };
  }, [meeting, socket, enabled]);

  return view;
}
