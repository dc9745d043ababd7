import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { api, ApiError, messageOf } from './api.js';

/** How the office set the stream up, as the server shows it (saved destinations by name and masked address). */
export interface StreamSetupView {
  internal: boolean;
  startWithMeeting: boolean;
  keepRecording: boolean;
  destinations: { name: string; target: string }[];
}

/** A destination being entered: the portal's or the TV station's ingest. */
interface DraftDestination {
  name: string;
  url: string;
}

/**
 * The office's setup of the stream: public or internal (viewer links), started by itself at the opening, kept as a
 * recording, and where it is pushed. A saved destination shows its name and address without its key, and is sent
 * back by name (the key stays on the server); new ones are typed with their key. Refusals are said at their field.
 */
export function LiveStreamSetup({
  meetingId,
  setup,
  disabled,
  onSaved,
}: {
  meetingId: string;
  setup: StreamSetupView;
  disabled: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [flags, setFlags] = useState({
    internal: setup.internal,
    startWithMeeting: setup.startWithMeeting,
    keepRecording: setup.keepRecording,
  });
  const [kept, setKept] = useState(setup.destinations);
  const [drafts, setDrafts] = useState<DraftDestination[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  /** The server's word on a destination's field, by `destinations.<i>.<field>` (kept ones first, then drafts). */
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const savedKey = JSON.stringify(setup);
  useEffect(() => {
    const fresh = JSON.parse(savedKey) as StreamSetupView;
    setFlags({
      internal: fresh.internal,
      startWithMeeting: fresh.startWithMeeting,
      keepRecording: fresh.keepRecording,
    });
    setKept(fresh.destinations);
  }, [savedKey]);

  const save = () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    setFieldErrors({});
    const typed = drafts.filter((d) => d.name.trim() !== '' || d.url.trim() !== '');
    const destinations = [...kept.map((d) => ({ name: d.name })), ...typed];
    api('PUT', `/api/meetings/${encodeURIComponent(meetingId)}/stream/setup`, { ...flags, destinations })
      .then(() => {
        setDrafts([]);
        setSaved(true);
        onSaved();
      })
      .catch((e: unknown) => {
        setError(messageOf(e));
        if (e instanceof ApiError) {
          setFieldErrors(Object.fromEntries(e.details.map((d) => [d.path ?? '', d.message])));
        }
      })
      .finally(() => setBusy(false));
  };
  const errorsOf = (i: number) =>
    [fieldErrors[`destinations.${i}.name`], fieldErrors[`destinations.${i}.url`]]
      .filter((message) => message !== undefined)
      .map((message) => (
        <span key={message} className="field-error" role="alert" data-testid="live-destination-error">
          {message}
        </span>
      ));
  const flag = (name: keyof typeof flags) => (
    <label className="check-line">
      <input
        type="checkbox"
        name={name}
        checked={flags[name]}
        disabled={disabled}
        onChange={(e) => setFlags({ ...flags, [name]: e.target.checked })}
      />
      {t(`organizer.live.${name}`)}
    </label>
  );

  return (
    <fieldset className="live-setup" data-testid="live-stream-setup" disabled={disabled || busy}>
      <legend>{t('organizer.live.setup')}</legend>
      {flag('internal')}
      {flag('startWithMeeting')}
      {flag('keepRecording')}
      <fieldset className="live-destinations">
        <legend>{t('organizer.live.destinations')}</legend>
        {kept.map((destination, i) => (
          <div key={destination.name} className="live-destination" data-testid="live-destination-saved">
            <span>
              {destination.name} ({destination.target}, {t('organizer.live.savedDestination')})
            </span>
            {errorsOf(i)}
            <button type="button" onClick={() => setKept(kept.filter((_, j) => j !== i))}>
              {t('organizer.live.removeDestination')}
            </button>
          </div>
        ))}
        {drafts.map((draft, i) => (
          <div key={`draft-${i}`} className="live-destination" data-testid="live-destination-draft">
            <input
              name="destination-name"
              aria-label={t('organizer.live.destinationName')}
              placeholder={t('organizer.live.destinationName')}
              value={draft.name}
              onChange={(e) => setDrafts(drafts.map((d, j) => (j === i ? { ...d, name: e.target.value } : d)))}
            />
            <input
              name="destination-url"
              aria-label={t('organizer.live.destinationUrl')}
              placeholder="rtmp://…"
              value={draft.url}
              onChange={(e) => setDrafts(drafts.map((d, j) => (j === i ? { ...d, url: e.target.value } : d)))}
            />
            {errorsOf(kept.length + i)}
            <button type="button" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}>
              {t('organizer.live.removeDestination')}
            </button>
          </div>
        ))}
        {kept.length + drafts.length < 5 && (
          <button
            type="button"
            onClick={() => setDrafts([...drafts, { name: '', url: '' }])}
            data-testid="live-destination-add"
          >
            {t('organizer.live.addDestination')}
          </button>
        )}
      </fieldset>
      <button type="button" onClick={save} data-testid="live-setup-save">
        {t('organizer.live.save')}
      </button>
      {saved && (
        <span role="status" data-testid="live-setup-saved">
          {t('organizer.live.saved')}
        </span>
      )}
      <FormError error={error} testId="live-setup-error" />
    </fieldset>
  );
}
