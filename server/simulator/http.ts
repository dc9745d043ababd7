/** Minimal JSON client for the admin HTTP API. */
export async function api<T>(
  baseUrl: string,
  adminKey: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'x-api-key': adminKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) {
    throw Object.assign(new Error(`${method} ${path}: ${json.error?.code} ${json.error?.message}`), {
      status: response.status,
    });
  }

  return json;
}
