import * as sip from 'sip';
import { signRequest } from 'sip/digest.js';
import { describe, expect, it } from 'vitest';
import { registrationExpires } from '../../../server/domain/sip/registration.js';
import { Registrar } from '../../../server/sip/Registrar.js';
import { sipRequest, type SipRequest } from '../../../server/sip/sipWire.js';

const SECRET = 'r'.repeat(40);
const NAT = { protocol: 'UDP', address: '203.0.113.7', port: 40123 };

/** A REGISTER as a room system sends it, through the wire's text and back (as the coordinator receives it). */
function register(extra: Record<string, unknown> = {}, expires: string | null = '120'): sip.SipMessage {
  return {
    method: 'REGISTER',
    uri: 'sip:10.0.0.1:5060',
    version: '2.0',
    headers: {
      via: [{ version: '2.0', protocol: 'UDP', host: '192.168.1.10', port: 5060, params: { branch: 'z9hG4bK1' } }],
      from: { uri: 'sip:DC-X1@10.0.0.1', params: { tag: 'a1' } },
      to: { uri: 'sip:DC-X1@10.0.0.1', params: {} },
      'call-id': 'reg-1@192.168.1.10',
      cseq: { seq: 1, method: 'REGISTER' },
      contact: [{ uri: 'sip:DC-X1@192.168.1.10:5060', params: {} }],
      ...(expires === null ? {} : { expires }),
      ...extra,
    },
    content: '',
  };
}
const wire = (message: sip.SipMessage): SipRequest => sipRequest.parse(sip.parse(sip.stringify(message)));

/** The room answers a challenge with the `sip` package's own client digest (a different implementation from ours). */
function answered(registrar: Registrar, password: string, request = register()) {
  const challenge = registrar.register(wire(request), NAT);
  expect(challenge.status).toBe(401);
  signRequest({}, request, { status: 401, headers: challenge.headers ?? {} }, { user: 'DC-X1', password });

  return registrar.register(wire(request), NAT);
}

describe('rooms that register to be called behind NAT', () => {
  const points = (code: string) => code === 'DC-X1';

  it("challenges, then keeps the room's binding at the address its REGISTER came from", () => {
    const registrar = new Registrar({ secret: SECRET, isPoint: points, now: () => 1_000_000 });
    expect(registrar.bindingOf('DC-X1')).toBeNull();
    const ok = answered(registrar, registrar.passwordOf('DC-X1'));
    expect(ok).toMatchObject({ status: 200, headers: { contact: [{ params: { expires: 120 } }] } });
    expect(registrar.bindingOf('DC-X1')).toMatchObject({
      target: 'sip:DC-X1@203.0.113.7:40123',
      address: '203.0.113.7',
      expiresAt: 1_000_000 + 120_000,
    });
    // It calls in from there as its point.
    expect(registrar.pointCalling('sip:DC-X1@10.0.0.1', '203.0.113.7')).toBe('DC-X1');
    expect(registrar.pointCalling('sip:DC-X1@10.0.0.1', '198.51.100.9')).toBeNull();
  });

  it('refuses a wrong password (403) and keeps nothing; an address that keeps guessing is refused outright', () => {
    const registrar = new Registrar({ secret: SECRET, isPoint: points, now: () => 1_000_000 });
    expect(answered(registrar, 'doan-bua').status).toBe(403);
    expect(registrar.bindingOf('DC-X1')).toBeNull();
    for (let i = 0; i < 8; i++) {
      answered(registrar, 'doan-bua');
    }
    // Even the right password now: the address is refused before it is asked.
    expect(registrar.register(wire(register()), NAT).status).toBe(403);
  });

  it('refuses a point that does not exist, a forged nonce, and asks again for a stale one', () => {
    let now = 1_000_000;
    const registrar = new Registrar({ secret: SECRET, isPoint: points, now: () => now });
    const other = new Registrar({ secret: 'o'.repeat(40), isPoint: points, now: () => now });
    const request = register();
    const challenge = other.register(wire(request), NAT);
    signRequest(
      {},
      request,
      { status: 401, headers: challenge.headers ?? {} },
      {
        user: 'DC-X1',
        password: registrar.passwordOf('DC-X1'),
      },
    );
    // A nonce this coordinator did not make is no answer at all: asked again.
    expect(registrar.register(wire(request), NAT).status).toBe(401);
    const stale = register();
    const first = registrar.register(wire(stale), NAT);
    signRequest(
      {},
      stale,
      { status: 401, headers: first.headers ?? {} },
      {
        user: 'DC-X1',
        password: registrar.passwordOf('DC-X1'),
      },
    );
    now += 10 * 60_000;
    const again = registrar.register(wire(stale), NAT);
    expect(again.status).toBe(401);
    expect(JSON.stringify(again.headers)).toContain('stale');
  });

  it('forgets a room that unregisters, and passwords differ per point and per secret', () => {
    const registrar = new Registrar({ secret: SECRET, isPoint: points, now: () => 1_000_000 });
    answered(registrar, registrar.passwordOf('DC-X1'));
    expect(answered(registrar, registrar.passwordOf('DC-X1'), register({}, '0')).status).toBe(200);
    expect(registrar.bindingOf('DC-X1')).toBeNull();
    expect(registrar.passwordOf('DC-X1')).toHaveLength(16);
    expect(registrar.passwordOf('DC-X2')).not.toBe(registrar.passwordOf('DC-X1'));
    expect(new Registrar({ secret: 's'.repeat(40), isPoint: points }).passwordOf('DC-X1')).not.toBe(
      registrar.passwordOf('DC-X1'),
    );
  });

  it('keeps a registration between one minute and one hour', () => {
    expect(registrationExpires(undefined, undefined)).toEqual({ kind: 'keep', seconds: 600 });
    expect(registrationExpires('30', '3600')).toEqual({ kind: 'tooBrief' });
    expect(registrationExpires(undefined, '7200')).toEqual({ kind: 'keep', seconds: 3600 });
    expect(registrationExpires('0', '600')).toEqual({ kind: 'remove' });
    expect(registrationExpires('x', '90')).toEqual({ kind: 'keep', seconds: 90 });
  });
});
