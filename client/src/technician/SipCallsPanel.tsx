import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/errorText.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

const REFRESH_MS = 3000;

interface CallRow {
  callId: string;
  pointId: string;
  direction: 'in' | 'out';
  state: string;
  words: string;
  video: string | null;
  audio: string | null;
  /** The address the room calls from (or is called at). */
  address: string;
}

interface Calls {
  conferenceNumber: string;
  dialIn: string | null;
  calls: CallRow[];
}

/** Calls the coordinator's API with the console's token; a refusal becomes the console's notice. */
export async function callsApi(client: MeetingClient, meetingId: string, path: string, method = 'GET') {
  const response = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}${path}`, {
    method,
    headers: { authorization: `Bearer ${client.token}` },
  });
  const body = (await response.json().catch(() => null)) as
    (Calls & { error?: { code?: string; message?: string } }) | null;
  if (!response.ok) {
    client.notify('error', errorText(body?.error?.code ?? '', body?.error?.message ?? `HTTP ${response.status}`));

    return null;
  }

  return body;
}

/**
 * Hardware rooms' calls, as an MCU operator watches them: where rooms dial in, each call's state in words, "Gọi tất
 * cả" to call every invited room with a SIP address. Shown only while SIP is on.
 */
export function SipCallsPanel({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const meetingId = state.meeting.id;
  const [calls, setCalls] = useState<Calls | null>(null);
  const load = useCallback(
    () =>
      void fetch(`/api/meetings/${encodeURIComponent(meetingId)}/calls`, {
        headers: { authorization: `Bearer ${client.token}` },
      })
        .then(async (response) => (response.ok ? ((await response.json()) as Calls) : null))
        .then(setCalls, () => undefined),
    [client, meetingId],
  );
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);

    return () => clearInterval(timer);
  }, [load]);

  if (calls === null || calls.dialIn === null) {
    return null;
  }
  const nameOf = (pointId: string) => state.points[pointId]?.name ?? pointId;

  return (
    <section className="panel sip-panel" aria-labelledby="sip-title" data-testid="sip-calls">
      <div className="panel-head">
        <h2 id="sip-title">{t('sip.title')}</h2>
        <button type="button" onClick={() => void callsApi(client, meetingId, '/dial-all', 'POST').then(load)}>
          {t('sip.dialAll')}
        </button>
      </div>
      <p className="sip-dial-in">
        {t('sip.dialIn')} <code data-testid="sip-dial-in">{calls.dialIn}</code>
      </p>
      <ul className="sip-calls">
        {calls.calls.map((call) => (
          <li key={call.callId} data-point={call.pointId} data-state={call.state}>
            {/* A room keying its PIN is not yet a point: it is named by the address it calls from. */}
            <strong>{call.pointId === '' ? call.address : nameOf(call.pointId)}</strong> — {call.words}
            {call.video !== null || call.audio !== null
              ? ` (${[call.video, call.audio].filter((c) => c !== null).join('/')})`
              : ''}
          </li>
        ))}
        {calls.calls.length === 0 && <li>{t('sip.none')}</li>}
      </ul>
    </section>
  );
}

/** "Gọi điểm cầu": the coordinator calls this point's room system at its directory address. */
export function DialButton({
  client,
  meetingId,
  pointId,
}: {
  client: MeetingClient;
  meetingId: string;
  pointId: string;
}) {
  const { t } = useTranslation();

  return (
    <button
      type="button"
      data-testid="dial-point"
      onClick={() => void callsApi(client, meetingId, `/points/${encodeURIComponent(pointId)}/dial`, 'POST')}
    >
      {t('sip.dial')}
    </button>
  );
}
