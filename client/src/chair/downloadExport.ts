import { errorText } from '../i18n/errorText.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/**
 * Downloads one of the meeting's documents (`attendance.xlsx`, `minutes.docx`…) with the console's token in a header,
 * never in a URL that lands in logs; a refusal becomes the console's notice.
 */
export async function downloadExport(client: MeetingClient, meetingId: string, file: string): Promise<void> {
  const response = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}/${file}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    client.notify('error', errorText(body?.error?.code ?? '', body?.error?.message ?? `HTTP ${response.status}`));

    return;
  }
  const fallback = file.split('?')[0] ?? file;
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
