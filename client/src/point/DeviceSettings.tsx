import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediaClient } from '../media/MediaClient.js';

/** The room's camera and microphone (conference rooms often have several); switching does not renegotiate. */
export function DeviceSettings({ media, local }: { media: MediaClient | null; local: MediaStream | null }) {
  const { t } = useTranslation();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    // A page on plain HTTP from another host has no device API at all (the console says why elsewhere).
    const api = navigator.mediaDevices as MediaDevices | undefined;
    if (api === undefined) {
      return;
    }
    const load = () =>
      void api
        .enumerateDevices()
        .then(setDevices)
        .catch(() => undefined);
    load();
    api.addEventListener('devicechange', load);

    return () => api.removeEventListener('devicechange', load);
  }, [local]);
  const current = (kind: 'audio' | 'video') =>
    local
      ?.getTracks()
      .find((track) => track.kind === kind)
      ?.getSettings().deviceId ?? '';
  const picker = (kind: 'audio' | 'video', deviceKind: MediaDeviceKind, label: string) => (
    <label>
      {label}
      <select
        value={current(kind)}
        disabled={media === null}
        onChange={(e) => void media?.useDevice(kind, e.target.value).catch(() => undefined)}
      >
        {devices
          .filter((d) => d.kind === deviceKind)
          .map((d, i) => (
            <option key={d.deviceId || i} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
            </option>
          ))}
      </select>
    </label>
  );

  return (
    <details className="devices">
      <summary>{t('point.devices')}</summary>
      <div className="form-row">
        {picker('video', 'videoinput', t('point.camera'))}
        {picker('audio', 'audioinput', t('point.microphone'))}
      </div>
    </details>
  );
}
