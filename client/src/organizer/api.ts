import { errorText } from '../i18n/errorText.js';

/** A refused call: the server's code, and its message in the console's language. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { path?: string; line?: number; message: string }[] = [],
  ) {
    super(message);
  }
}

/** What to show for a failed call: the server's message in the console's language, or the error itself. */
export const messageOf = (error: unknown): string => (error instanceof ApiError ? error.message : String(error));

/** Saves text the console made (CSV, JSON) as a file, through the browser's download. */
export function downloadFile(name: string, content: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([content], { type }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

const csrfToken = () =>
  document.cookie
    .split('; ')
    .find((c) => c.startsWith('diemcau_csrf='))
    ?.slice('diemcau_csrf='.length) ?? '';

/**
 * The organizer console's calls: same-origin, with the session cookie, and the CSRF header repeating the CSRF cookie
 * on every change.
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  { contentType = 'application/json' }: { contentType?: string } = {},
): Promise<T> {
  const raw = contentType !== 'application/json';
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken() }),
    },
    ...(body === undefined ? {} : { body: body instanceof Blob ? body : raw ? String(body) : JSON.stringify(body) }),
  });
  const data = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string; details?: ApiError['details'] };
  };
  if (!response.ok) {
    const code = data.error?.code ?? `HTTP_${response.status}`;
    throw new ApiError(code, errorText(code, data.error?.message ?? `HTTP ${response.status}`), data.error?.details);
  }

  return data as T;
}

export interface AccountView {
  username: string;
  displayName: string;
  roles: ('admin' | 'organizer')[];
}

export interface MeetingSummary {
  id: string;
  title: string;
  kind: string;
  scheduledStart: number;
  scheduledEnd: number | null;
  hubPointId: string;
  invited: number;
  status: 'scheduled' | 'open' | 'in_session' | 'ended';
}

/** `GET /api/meetings/:id`: what a copy starts from. */
export interface MeetingDetail extends MeetingSummary {
  kind: 'briefing' | 'working' | 'dialogue';
  chairs: { name: string; title: string; role: 'chair' | 'cochair' }[];
  agenda: { kind: string; title: string; by: string | null }[];
  settings: Record<string, number>;
  invitation: { units: string[]; points: string[] };
  /** Child meetings linked into this one. */
  links?: {
    unitId: string;
    unitName: string;
    title: string;
    state: 'linked' | 'lost' | 'unlinked';
    since: number;
    points: number;
    connectedPoints: number;
  }[];
}

export interface DirectoryView {
  units: { code: string; name: string; level: string; parentCode: string | null }[];
  points: {
    code: string;
    name: string;
    unitCode: string;
    technician: { name: string; phone: string } | null;
    sipUri?: string | null;
  }[];
}

export interface IssuedLink {
  pointId: string;
  name: string;
  tokenId: string;
  joinUrl: string;
  /** `/l/<code>`: the form printed and typed (null only from a server without a token registry). */
  shortUrl: string | null;
  expiresAt: number;
  revoked?: boolean;
}

/** The short link as printed: its code in two groups of five, easier to read aloud and to type (the server ignores the dash). */
export function printedLink(link: Pick<IssuedLink, 'joinUrl' | 'shortUrl'>): string {
  return link.shortUrl?.replace(/\/l\/(\w{5})(\w{5})$/, '/l/$1-$2') ?? link.joinUrl;
}
