import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../components/ConfirmButton.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/**
 * The chair's control of the live stream, beside the hub's microphone: "Phát trực tiếp" starts it, "Dừng phát trực
 * tiếp" (asked to confirm) stops it, "Phiên kín" streams the still card for a closed part (and back). What it does is in the header for everyone (the live badge); a refusal is said
 * under the button.
 */
export function StreamControl({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = state.status.stream?.status === 'live';
  const act = (method: 'POST' | 'DELETE', path = '', body?: unknown) => {
    setBusy(true);
    setError(null);
    void fetch(`/api/meetings/${encodeURIComponent(state.meeting.id)}/stream${path}`, {
      method,
      headers: {
        authorization: `Bearer ${client.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
      .then(async (response) => {
        if (!response.ok) {
          const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
          setError(body.error?.message ?? `HTTP ${response.status}`);
        }
      })
      .catch(() => setError(t('stream.unreachable')))
      .finally(() => setBusy(false));
  };
  if (state.status.status === 'ended') {
    return null;
  }

  return (
    <span className="stream-control" data-testid="stream-control">
      {live ? (
        <ConfirmButton
          question={t('stream.stopQuestion')}
          confirmLabel={t('stream.stop')}
          onConfirm={() => act('DELETE')}
          disabled={busy}
          danger
          testId="stream-stop"
        >
          {t('stream.stop')}
        </ConfirmButton>
      ) : (
        <button type="button" onClick={() => act('POST')} disabled={busy} data-testid="stream-start">
          {t('stream.start')}
        </button>
      )}
      {live && (
        <button
          type="button"
          onClick={() => act('POST', '/card', { shown: !state.status.streamCard })}
          disabled={busy}
          aria-pressed={state.status.streamCard}
          data-testid="stream-card"
        >
          {state.status.streamCard ? t('stream.cardOff') : t('stream.cardOn')}
        </button>
      )}
      {error !== null && (
        <span className="field-error" role="alert" data-testid="stream-error">
          {error}
        </span>
      )}
    </span>
  );
}
