import { describe, expect, it } from 'vitest';
import { cleanDocumentName, kindOfName } from '../../../server/domain/content/content.js';
import {
  pageRanges,
  pagesOnShow,
  placesOfContent,
  shownBetween,
} from '../../../server/domain/content/contentRecord.js';
import { replay } from '../../../server/domain/apply.js';
import type { Actor } from '../../../server/domain/core/model.js';
import { codeOf, Meeting, point, SYSTEM } from '../../helpers/domain.js';

const OFFICE: Actor = { role: 'admin', via: 'apiKey' };

function withReport(pages = 12): Meeting {
  const m = new Meeting().startSession();
  m.run(
    {
      type: 'document.attach',
      document: {
        documentId: 'd1',
        name: 'Báo cáo KT-XH.pdf',
        kind: 'pdf',
        bytes: 120_000,
        sha256: 'ab',
        agendaIndex: 1,
      },
    },
    OFFICE,
  );
  m.run({ type: 'document.prepared', documentId: 'd1', pages }, SYSTEM);

  return m;
}

describe('documents and content', () => {
  it('a document is attached to an agenda item, prepared, and listed in the order attached', () => {
    const m = withReport();
    expect(m.state.documents).toMatchObject([{ documentId: 'd1', state: 'ready', pages: 12, agendaIndex: 1 }]);
    expect(
      codeOf(() =>
        m.run(
          {
            type: 'document.attach',
            document: { documentId: 'd2', name: 'x.pdf', kind: 'pdf', bytes: 1, sha256: 'a', agendaIndex: 9 },
          },
          OFFICE,
        ),
      ),
    ).toBe('VALIDATION_FAILED');
    // Only the office attaches; only the server reports preparation.
    expect(codeOf(() => m.run({ type: 'document.remove', documentId: 'd1' }))).toBe('FORBIDDEN');
    expect(codeOf(() => m.run({ type: 'document.prepared', documentId: 'd1', pages: 3 }))).toBe('FORBIDDEN');
  });

  it('the chair shows pages; a page out of range or a document of no meeting is refused and changes nothing', () => {
    const m = withReport();
    m.run({ type: 'slides.show', documentId: 'd1', page: 3 });
    expect(m.state.content).toMatchObject({ kind: 'slides', presenter: 'DC-T', documentId: 'd1', page: 3 });
    const seq = m.state.seq;
    expect(codeOf(() => m.run({ type: 'slides.show', documentId: 'd1', page: 13 }))).toBe('PAGE_OUT_OF_RANGE');
    expect(codeOf(() => m.run({ type: 'slides.show', documentId: 'd1', page: 0 }))).toBe('PAGE_OUT_OF_RANGE');
    expect(codeOf(() => m.run({ type: 'slides.show', documentId: 'other', page: 1 }))).toBe('DOCUMENT_NOT_FOUND');
    expect(m.state.seq).toBe(seq);
    expect(m.run({ type: 'slides.show', documentId: 'd1', page: 3 })).toEqual([]);
  });

  it('a document still being prepared cannot be shown', () => {
    const m = new Meeting().startSession();
    m.run(
      {
        type: 'document.attach',
        document: { documentId: 'd9', name: 'Tờ trình.docx', kind: 'docx', bytes: 9, sha256: 'c', agendaIndex: null },
      },
      OFFICE,
    );
    expect(codeOf(() => m.run({ type: 'slides.show', documentId: 'd9', page: 1 }))).toBe('DOCUMENT_NOT_READY');
    m.run({ type: 'document.failed', documentId: 'd9', reason: 'LibreOffice không đọc được tệp' }, SYSTEM);
    expect(m.state.documents[0]).toMatchObject({ state: 'failed', failure: 'LibreOffice không đọc được tệp' });
    expect(codeOf(() => m.run({ type: 'slides.show', documentId: 'd9', page: 1 }))).toBe('DOCUMENT_NOT_READY');
  });

  it('a point presents only while it holds the floor, only for itself, and not over another point', () => {
    const m = withReport();
    m.connect('DC-X1', 'DC-X2');
    expect(codeOf(() => m.run({ type: 'screen.start', pointId: 'DC-X1' }, point('DC-X1')))).toBe('CONTENT_NOT_FLOOR');
    // A point that names no point (or another) is not taken for the hub.
    expect(codeOf(() => m.run({ type: 'screen.start' }, point('DC-X1')))).toBe('NOT_YOUR_POINT');
    expect(codeOf(() => m.run({ type: 'screen.start', pointId: 'DC-X2' }, point('DC-X1')))).toBe('NOT_YOUR_POINT');
    m.run({ type: 'floor.grant', pointId: 'DC-X1' });
    m.run({ type: 'screen.start', pointId: 'DC-X1' }, point('DC-X1'));
    expect(m.state.content).toMatchObject({ kind: 'screen', presenter: 'DC-X1' });
    m.run({ type: 'slides.show', documentId: 'd1', page: 2, pointId: 'DC-X1' }, point('DC-X1'));
    expect(m.state.content).toMatchObject({ kind: 'slides', presenter: 'DC-X1', page: 2 });
    // The chair takes over.
    m.run({ type: 'slides.show', documentId: 'd1', page: 5 });
    expect(m.state.content).toMatchObject({ presenter: 'DC-T', page: 5 });
    expect(codeOf(() => m.run({ type: 'screen.start', pointId: 'DC-X1' }, point('DC-X1')))).toBe('CONTENT_BUSY');
    expect(codeOf(() => m.run({ type: 'content.stop', pointId: 'DC-X1' }, point('DC-X1')))).toBe('FORBIDDEN');
    m.run({ type: 'content.stop' });
    expect(m.state.content).toBeNull();
  });

  it("a point's content stops with its turn unless the chair keeps it; everything stops with the meeting", () => {
    const m = withReport();
    m.connect('DC-X1', 'DC-X2');
    m.run({ type: 'floor.grant', pointId: 'DC-X1' });
    m.run({ type: 'slides.show', documentId: 'd1', page: 1, pointId: 'DC-X1' }, point('DC-X1'));
    m.run({ type: 'floor.revoke' });
    expect(m.state.content).toBeNull();
    expect(m.log.at(-1)).toMatchObject({ type: 'ContentStopped', reason: 'turn_ended' });

    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    m.run({ type: 'screen.start', pointId: 'DC-X2' }, point('DC-X2'));
    m.run({ type: 'content.keep', kept: true });
    m.advance(10 * 60_000);
    expect(m.state.floor).toBeNull();
    expect(m.state.content).toMatchObject({ presenter: 'DC-X2', kept: true });
    m.run({ type: 'meeting.end' });
    expect(m.state.content).toBeNull();
    expect(replay(m.log)).toEqual(m.state);
  });

  it('removing the document on screen stops it', () => {
    const m = withReport();
    m.run({ type: 'slides.show', documentId: 'd1', page: 4 });
    m.run({ type: 'document.remove', documentId: 'd1' }, OFFICE);
    expect(m.state.content).toBeNull();
    expect(m.state.documents).toEqual([]);
  });

  it('the record says which document and pages were shown in a span', () => {
    const m = withReport();
    m.connect('DC-X1');
    const from = m.now;
    for (const page of [1, 2, 3, 5, 2]) {
      m.now += 1000;
      m.run({ type: 'slides.show', documentId: 'd1', page });
    }
    expect(shownBetween(m.log, from, m.now)).toEqual([
      { kind: 'slides', presenter: 'DC-T', documentId: 'd1', name: 'Báo cáo KT-XH.pdf', pages: [1, 2, 3, 5] },
    ]);
    expect(pageRanges([5, 1, 2, 3, 2])).toBe('1–3, 5');
  });

  it('the recording draws each page for as long as it was on show, clipped to the recorded stretch; a screen or a stop ends it', () => {
    const m = withReport();
    const t0 = m.now;
    m.now += 1000;
    m.run({ type: 'slides.show', documentId: 'd1', page: 1 });
    m.now += 4000;
    m.run({ type: 'slides.show', documentId: 'd1', page: 3 });
    m.now += 2000;
    m.run({ type: 'screen.start' });
    m.now += 3000;
    m.run({ type: 'slides.show', documentId: 'd1', page: 2 });
    m.now += 1000;
    m.run({ type: 'content.stop' });
    m.now += 5000;
    expect(pagesOnShow(m.log, t0, m.now)).toEqual([
      { documentId: 'd1', page: 1, from: t0 + 1000, to: t0 + 5000 },
      { documentId: 'd1', page: 3, from: t0 + 5000, to: t0 + 7000 },
      { documentId: 'd1', page: 2, from: t0 + 10_000, to: t0 + 11_000 },
    ]);
    // A segment that starts while page 3 is on show and ends before the screen.
    expect(pagesOnShow(m.log, t0 + 6000, t0 + 6500)).toEqual([
      { documentId: 'd1', page: 3, from: t0 + 6000, to: t0 + 6500 },
    ]);
    // Still on show when the segment ends.
    m.run({ type: 'slides.show', documentId: 'd1', page: 4 });
    expect(pagesOnShow(m.log, m.now, m.now + 2000)).toEqual([
      { documentId: 'd1', page: 4, from: m.now, to: m.now + 2000 },
    ]);
  });

  it('what was shown belongs to the turn open then by the log’s order, even within one millisecond', () => {
    const m = withReport();
    m.connect('DC-X1');
    // Everything at the same instant: only the order tells the hub's pages from the turn's.
    m.run({ type: 'slides.show', documentId: 'd1', page: 1 });
    m.run({ type: 'content.stop' });
    m.run({ type: 'floor.grant', pointId: 'DC-X1' });
    m.run({ type: 'slides.show', documentId: 'd1', page: 6, pointId: 'DC-X1' }, point('DC-X1'));
    m.run({ type: 'floor.revoke' });
    m.run({ type: 'slides.show', documentId: 'd1', page: 2 });
    expect(placesOfContent(m.log).map((p) => [p.event.page, p.turn])).toEqual([
      [1, null],
      [6, 0],
      [2, null],
    ]);
  });

  it('file names: kept in NFC; one with a folder, a control character or a leading dot is refused; the extension says the kind', () => {
    expect(cleanDocumentName(' Ba\u0301o ca\u0301o quy\u0301 IV.pdf ')).toBe('Báo cáo quý IV.pdf');
    for (const bad of [
      '../../etc/passwd.pdf',
      'C:\\Users\\x.docx',
      'Tờ\u0007 trình.docx',
      'fdp.exe\u202e.pdf',
      '.htaccess',
      '',
    ]) {
      expect(codeOf(() => cleanDocumentName(bad))).toBe('DOCUMENT_INVALID');
    }
    expect(kindOfName('BÁO CÁO.PDF')).toBe('pdf');
    expect(codeOf(() => kindOfName('setup.exe'))).toBe('DOCUMENT_INVALID');
  });
});
