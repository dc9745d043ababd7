/**
 * Links to a meeting's documents and their pages, carrying the console's own token (a point downloads only its own
 * meeting's). The organizer's console has no token: its session cookie answers for it.
 */
export function documentUrl(
  meetingId: string,
  documentId: string,
  token: string | null,
  {
    page,
    asPdf = false,
    fromParent = false,
  }: {
    page?: number;
    asPdf?: boolean;
    /** A page of the parent meeting's slides, relayed through this meeting's coordinator. */
    fromParent?: boolean;
  } = {},
): string {
  const folder = fromParent ? 'parent-documents' : 'documents';
  const path = `/api/meetings/${encodeURIComponent(meetingId)}/${folder}/${encodeURIComponent(documentId)}${
    page === undefined ? '' : `/pages/${page}`
  }`;
  const query = new URLSearchParams();
  if (asPdf) {
    query.set('as', 'pdf');
  }
  if (token !== null && token !== '') {
    query.set('token', token);
  }
  const search = query.toString();

  return search === '' ? path : `${path}?${search}`;
}

/** "1,2 MB" / "850 KB", as the office reads sizes. */
export function sizeText(bytes: number, lang: string): string {
  const format = (value: number) =>
    value.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });

  return bytes >= 1_048_576 ? `${format(bytes / 1_048_576)} MB` : `${format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}
