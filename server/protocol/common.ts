import { z } from 'zod';
import { ERROR_CODES } from '../domain/core/errors.js';
import { FLOOR_KINDS, ROLES } from '../domain/core/model.js';

/** Free text from people: trimmed, bounded, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'control characters are not allowed');

export const code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only');

export const id = z.string().min(1).max(64);
export const epochMs = z.number().int().nonnegative();
export const role = z.enum(ROLES);
export const floorKind = z.enum(FLOOR_KINDS);
export const person = z.strictObject({ name: text(120), title: text(160) });

export const errorBody = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z
    .array(z.strictObject({ line: z.number().optional(), path: z.string().optional(), message: z.string() }))
    .optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** Every request's acknowledgement. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;
