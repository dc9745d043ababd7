import { resolve } from 'node:path';
import { Router, type Request } from 'express';
import { attendance } from '../domain/rollCall/attendance.js';
import { DomainError } from '../domain/core/errors.js';
import { minutesOf } from '../domain/record/minutes.js';
import { attendanceCsv, attendanceXlsx, toCsv, type CsvStyle } from '../export/attendanceExport.js';
import type { Lang } from '../export/words.js';
import { attendanceTable } from '../export/attendanceTable.js';
import { AUDIT_HEADERS, auditCells, auditRows } from '../export/auditTrail.js';
import { minutesDocx } from '../export/minutesDocx.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { RecordingService } from '../recording/RecordingService.js';
import type { HttpAuth } from './auth.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const langOf = (req: Request): Lang => (req.query.lang === 'en' ? 'en' : 'vi');

/** `?sep=semicolon` (or `;`) for Excel under Vietnamese regional settings; a comma otherwise. */
/** The two CSV variants never share a name: the semicolon one (Excel set to Vietnamese) says so. */
const csvFileName = (name: string, style: CsvStyle) => `${name}${style === 'semicolon' ? '-cham-phay' : ''}.csv`;

function csvStyleOf(req: Request): CsvStyle {
  const sep = req.query.sep;
  if (sep === undefined || sep === 'comma' || sep === ',') {
    return 'comma';
  }
  if (sep === 'semicolon' || sep === ';') {
    return 'semicolon';
  }
  throw new DomainError(
    'VALIDATION_FAILED',
    'Dấu phân cách phải là comma hoặc semicolon (sep must be comma or semicolon)',
  );
}

/**
 * The meeting's record as files the office keeps: the attendance record (CSV or XLSX, with the audit trail), the
 * minutes (DOCX) and the audit trail (CSV). Staff of the meeting, an organizer or the admin key; each export is
 * itself audited.
 */
export function recordRouter({
  meetings,
  auth,
  now,
  recordings,
}: {
  meetings: MeetingService;
  auth: HttpAuth;
  now: () => number;
  recordings: () => RecordingService | null;
}) {
  const router = Router();

  // The program recording: what is known of it (chapters, offsets, state), and the file itself.
  router.get('/:id/recording', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireStaffOrAdmin(req, res, runtime.id);
    const index = (await recordings()?.index(runtime.id)) ?? null;
    res.json({ enabled: recordings() !== null, recording: index });
  });

  router.get('/:id/recording.webm', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    const actor = await auth.requireStaffOrAdmin(req, res, runtime.id);
    const service = recordings();
    const index = (await service?.index(runtime.id)) ?? null;
    if (service === null || index?.file == null) {
      throw new DomainError('NOT_FOUND', 'Hội nghị chưa có bản ghi (no recording of this meeting yet)');
    }
    await runtime.execute({ type: 'audit.record', action: 'recording_downloaded', detail: 'webm' }, actor);
    // DATA_DIR may be relative; sendFile wants an absolute path.
    res.type('video/webm').attachment(index.file).sendFile(resolve(service.dir, index.file));
  });

  router.get('/:id/attendance.:format', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    const actor = await auth.requireStaffOrAdmin(req, res, runtime.id);
    const lang = langOf(req);
    if (!['csv', 'xlsx', 'json'].includes(req.params.format)) {
      throw new DomainError('NOT_FOUND', 'Định dạng phải là csv, xlsx hoặc json (format must be csv, xlsx or json)');
    }
    const style = csvStyleOf(req);
    await runtime.execute({ type: 'audit.record', action: 'attendance_exported', detail: req.params.format }, actor);
    const at = now();
    const rows = attendance(runtime.state, at);
    const name = lang === 'vi' ? `tham-du-${runtime.id}` : `attendance-${runtime.id}`;
    if (req.params.format === 'json') {
      res.json({ rows });

      return;
    }
    const table = attendanceTable(runtime.state, rows, at, lang);
    if (req.params.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(csvFileName(name, style)).send(attendanceCsv(table, style));
    } else {
      const audit = auditRows(await meetings.log(runtime.id), runtime.index, lang, runtime.state.def.agenda);
      res
        .type(XLSX)
        .attachment(`${name}.xlsx`)
        .send(await attendanceXlsx(table, lang, audit));
    }
  });

  // The biên bản as a Word document, built from the meeting's state and log (a valid document at any stage).
  router.get('/:id/minutes.docx', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    const actor = await auth.requireStaffOrAdmin(req, res, runtime.id);
    await runtime.execute({ type: 'audit.record', action: 'minutes_exported', detail: 'docx' }, actor);
    const recorded = (await recordings()?.index(runtime.id)) ?? null;
    const document = await minutesDocx(
      minutesOf(
        runtime.state,
        await meetings.log(runtime.id),
        recorded?.file == null ? null : { file: recorded.file, spans: recorded.spans, now: now() },
      ),
    );
    res
      .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .attachment(`bien-ban-${runtime.id}.docx`)
      .send(document);
  });

  router.get('/:id/audit.:format', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    const actor = await auth.requireStaffOrAdmin(req, res, runtime.id);
    if (req.params.format !== 'csv' && req.params.format !== 'json') {
      throw new DomainError('NOT_FOUND', 'Định dạng phải là csv hoặc json (format must be csv or json)');
    }
    const lang = langOf(req);
    const style = csvStyleOf(req);
    await runtime.execute({ type: 'audit.record', action: 'audit_exported', detail: req.params.format }, actor);
    const rows = auditRows(await meetings.log(runtime.id), runtime.index, lang, runtime.state.def.agenda);
    if (req.params.format === 'json') {
      res.json({ rows });
    } else {
      res
        .type('text/csv; charset=utf-8')
        .attachment(csvFileName(`nhat-ky-${runtime.id}`, style))
        .send(toCsv([AUDIT_HEADERS[lang], ...rows.map((row, i) => auditCells(row, i + 1))], style));
    }
  });

  return router;
}
