import { describe, expect, it } from 'vitest';
import { MeetingOwners, OWNER_CACHE_MS } from '../../../server/signaling/MeetingOwners.js';

/** A Redis stand-in that counts reads and answers when told: the cache's rules, not Redis, are under test. */
function ownersReadFrom(answers: Map<string, string | null | Error>) {
  let now = 0;
  const reads: string[] = [];
  const pending: Array<() => void> = [];
  const owners = new MeetingOwners(
    (meetingId) =>
      new Promise((resolve, reject) => {
        reads.push(meetingId);
        pending.push(() => {
          const answer = answers.get(meetingId) ?? null;
          if (answer instanceof Error) {
            reject(answer);
          } else {
            resolve(answer);
          }
        });
      }),
    () => now,
  );
  const answerAll = () => pending.splice(0).forEach((answer) => answer());

  return { owners, reads, answerAll, advance: (ms: number) => (now += ms) };
}

describe('MeetingOwners', () => {
  it('a join storm asking for one meeting reads its owner once', async () => {
    const { owners, reads, answerAll } = ownersReadFrom(new Map([['m1', 'node-a']]));
    const asked = Array.from({ length: 500 }, () => owners.ownerOf('m1'));
    answerAll();
    expect(new Set(await Promise.all(asked))).toEqual(new Set(['node-a']));
    expect(reads).toEqual(['m1']);
  });

  it('trusts what it read for a second, then reads again', async () => {
    const answers = new Map<string, string | null | Error>([['m1', 'node-a']]);
    const { owners, reads, answerAll, advance } = ownersReadFrom(answers);
    const first = owners.ownerOf('m1');
    answerAll();
    expect(await first).toBe('node-a');
    advance(OWNER_CACHE_MS - 1);
    expect(await owners.ownerOf('m1')).toBe('node-a');
    expect(reads).toHaveLength(1);
    answers.set('m1', 'node-b');
    advance(1);
    const again = owners.ownerOf('m1');
    answerAll();
    expect(await again).toBe('node-b');
    expect(reads).toHaveLength(2);
  });

  it('a forgotten owner is read again at once; an announced one needs no read', async () => {
    const { owners, reads, answerAll } = ownersReadFrom(new Map([['m1', 'node-b']]));
    owners.learned('m1', 'node-a');
    expect(await owners.ownerOf('m1')).toBe('node-a');
    expect(reads).toHaveLength(0);
    owners.forget('m1');
    const read = owners.ownerOf('m1');
    answerAll();
    expect(await read).toBe('node-b');
    expect(reads).toEqual(['m1']);
  });

  it('no owner, or a failed read, is answered null and not remembered', async () => {
    const answers = new Map<string, string | null | Error>([
      ['moving', null],
      ['broken', new Error('connection reset')],
    ]);
    const { owners, reads, answerAll } = ownersReadFrom(answers);
    const moving = owners.ownerOf('moving');
    const broken = owners.ownerOf('broken');
    answerAll();
    expect(await moving).toBeNull();
    expect(await broken).toBeNull();
    answers.set('moving', 'node-a');
    const later = owners.ownerOf('moving');
    answerAll();
    expect(await later).toBe('node-a');
    expect(reads).toEqual(['moving', 'broken', 'moving']);
  });
});
