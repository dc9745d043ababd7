import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** The organizer's directory form gives a point its room system's SIP address, checked and kept in normal form. */
describe("a point's SIP address, edited in the directory", () => {
  let t: TestServer;
  const edit = (body: unknown) =>
    fetch(`${t.url}/api/directory/edits`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const pointOf = async (code: string) => {
    const directory = (await (
      await fetch(`${t.url}/api/directory`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as {
      points: { code: string; sipUri?: string | null }[];
    };

    return directory.points.find((p) => p.code === code);
  };

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it('is set, kept in normal form, and cleared', async () => {
    expect((await edit({ kind: 'setSipUri', code: 'DC-X1', sipUri: 'SIP:PhongHop-X1@10.20.30.41:5060' })).status).toBe(
      200,
    );
    expect((await pointOf('DC-X1'))?.sipUri).toBe('phonghop-x1@10.20.30.41');
    expect((await edit({ kind: 'setSipUri', code: 'DC-X1', sipUri: null })).status).toBe(200);
    expect((await pointOf('DC-X1'))?.sipUri ?? null).toBeNull();
  });

  it('refuses an address that is not one, or an unknown point, with a clear error, and changes nothing', async () => {
    await edit({ kind: 'setSipUri', code: 'DC-X2', sipUri: 'phonghop-x2@10.20.30.42' });
    const bad = await edit({ kind: 'setSipUri', code: 'DC-X2', sipUri: 'không phải địa chỉ' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('địa chỉ SIP');
    const unknown = await edit({ kind: 'setSipUri', code: 'DC-KHONG', sipUri: 'a@10.0.0.1' });
    expect(unknown.status).toBe(404);
    expect((await pointOf('DC-X2'))?.sipUri).toBe('phonghop-x2@10.20.30.42');
  });

  it('without SIP, the invitations have no dial-in address and no PINs', async () => {
    const access = await fetch(`${t.url}/api/meetings/m1/sip-pins`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(access.status).toBe(200);
    expect(await access.json()).toMatchObject({ dialIn: null, pins: {} });
  });
});
