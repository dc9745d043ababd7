import { Router } from 'express';
import { z } from 'zod';
import { DomainError } from '../domain/core/errors.js';
import { registerRows, taskRegisterXlsx } from '../export/taskRegister.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { validationError } from '../signaling/handle.js';
import type { HttpAuth } from './auth.js';

const statusBody = z.strictObject({ status: z.enum(['open', 'done']) });

/**
 * The tasks assigned at meetings, for the office to follow up: one meeting's register, the register across this
 * coordinator's meetings (optionally for one unit and the units under it), and marking a task done.
 */
export function tasksRouter({ meetings, auth, now }: { meetings: MeetingService; auth: HttpAuth; now: () => number }) {
  const router = Router();

  router.get('/meetings/:id/tasks.xlsx', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireStaffOrAdmin(req, res, runtime.id);
    const rows = registerRows(runtime.state, runtime.index, now());
    const title = `Nhiệm vụ được giao tại hội nghị: ${runtime.state.def.title}`;
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`nhiem-vu-${runtime.id}.xlsx`)
      .send(await taskRegisterXlsx(title, rows, now()));
  });

  router.post('/meetings/:id/tasks/:taskId', async (req, res) => {
    const actor = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const parsed = statusBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    await runtime.execute({ type: 'task.setStatus', taskId: req.params.taskId, status: parsed.data.status }, actor);
    res.json({ ok: true, task: runtime.state.record.tasks.find((t) => t.taskId === req.params.taskId) });
  });

  router.get('/tasks.xlsx', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    const unit = typeof req.query.unit === 'string' && req.query.unit !== '' ? req.query.unit : null;
    const list = await meetings.everyMeeting();
    if (unit !== null && !list.some((m) => m.index.units.has(unit))) {
      throw new DomainError('UNIT_NOT_FOUND', `Không có đơn vị ${unit} trong các hội nghị (unknown unit)`);
    }
    const rows = list
      .sort((a, b) => a.state.def.scheduledStart - b.state.def.scheduledStart)
      .flatMap((m) => registerRows(m.state, m.index, now(), unit));
    const unitName = unit === null ? null : list.find((m) => m.index.units.has(unit))?.index.units.get(unit)?.name;
    const title = unitName == null ? 'Sổ theo dõi nhiệm vụ' : `Sổ theo dõi nhiệm vụ: ${unitName}`;
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`nhiem-vu${unit === null ? '' : `-${unit}`}.xlsx`)
      .send(await taskRegisterXlsx(title, rows, now()));
  });

  return router;
}
