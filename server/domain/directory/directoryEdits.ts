import { assertValidDirectory, type Directory, type Point, type Unit } from './directory.js';
import { DomainError } from '../core/errors.js';

/** One change to the directory, made from the organizer console (a whole file goes through the import instead). */
export type DirectoryEdit =
  | { kind: 'addUnit'; unit: Unit }
  | { kind: 'addPoint'; point: Point }
  | { kind: 'rename'; code: string; name: string }
  | { kind: 'moveUnit'; code: string; parentCode: string | null }
  | { kind: 'movePoint'; code: string; unitCode: string }
  | { kind: 'retire'; code: string }
  /** A point's room system's SIP address (normalised by the protocol), or `null` for a room without one. */
  | { kind: 'setSipUri'; code: string; sipUri: string | null };

/**
 * The directory after one edit, checked whole like an import (unique codes, parents that exist, no cycle): a unit
 * moved under its own descendant, or a point moved to a unit that does not exist, is refused and nothing changes.
 * Retiring removes a point, or a unit that no longer has units or points under it; meetings already defined keep
 * their own copy of the directory, so their records are untouched.
 */
export function applyDirectoryEdit(directory: Directory, edit: DirectoryEdit): Directory {
  let { units, points } = directory;
  const unit = (code: string) => units.find((u) => u.code === code);
  const point = (code: string) => points.find((p) => p.code === code);
  const notFound = (code: string) =>
    new DomainError('NOT_FOUND', `Không có đơn vị hay điểm cầu mã ${code} (no such unit or point)`);
  switch (edit.kind) {
    case 'addUnit':
      units = [...units, edit.unit];
      break;
    case 'addPoint':
      points = [...points, edit.point];
      break;
    case 'rename':
      if (unit(edit.code) !== undefined) {
        units = units.map((u) => (u.code === edit.code ? { ...u, name: edit.name } : u));
      } else if (point(edit.code) !== undefined) {
        points = points.map((p) => (p.code === edit.code ? { ...p, name: edit.name } : p));
      } else {
        throw notFound(edit.code);
      }
      break;
    case 'moveUnit':
      if (unit(edit.code) === undefined) {
        throw notFound(edit.code);
      }
      units = units.map((u) => (u.code === edit.code ? { ...u, parentCode: edit.parentCode } : u));
      break;
    case 'movePoint':
      if (point(edit.code) === undefined) {
        throw notFound(edit.code);
      }
      points = points.map((p) => (p.code === edit.code ? { ...p, unitCode: edit.unitCode } : p));
      break;
    case 'setSipUri':
      if (point(edit.code) === undefined) {
        throw notFound(edit.code);
      }
      points = points.map((p) => (p.code === edit.code ? { ...p, sipUri: edit.sipUri } : p));
      break;
    case 'retire':
      if (point(edit.code) !== undefined) {
        points = points.filter((p) => p.code !== edit.code);
      } else if (unit(edit.code) !== undefined) {
        if (units.some((u) => u.parentCode === edit.code) || points.some((p) => p.unitCode === edit.code)) {
          throw DomainError.validation(
            `Đơn vị ${edit.code} còn đơn vị hoặc điểm cầu trực thuộc; hãy chuyển hoặc thôi dùng chúng trước (unit not empty)`,
          );
        }
        units = units.filter((u) => u.code !== edit.code);
      } else {
        throw notFound(edit.code);
      }
      break;
  }

  return assertValidDirectory(
    units.map((value) => ({ value })),
    points.map((value) => ({ value })),
  );
}
