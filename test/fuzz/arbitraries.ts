import fc from 'fast-check';
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
};

/** An arbitrary that mostly produces values a zod schema accepts, derived from its JSON Schema. */
export function arbitraryFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fromJsonSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

function fromJsonSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum !== undefined) {
    return fc.constantFrom(...schema.enum);
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) {
    return fc.oneof(...alternatives.map(fromJsonSchema));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {});

      return fc.record(Object.fromEntries(entries.map(([key, value]) => [key, fromJsonSchema(value)])), {
        requiredKeys: entries.map(([key]) => key).filter((key) => required.has(key)),
      });
    }
    case 'string': {
      if (schema.pattern !== undefined) {
        return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, schema.maxLength ?? 200));
      }

      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.min(schema.maxLength ?? 200, 400),
        unit: 'grapheme',
      });
    }
    case 'integer': {
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1e6), max: Math.floor(schema.maximum ?? 1e6) });
    }
    case 'number': {
      return fc.double({
        min: schema.minimum ?? schema.exclusiveMinimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
      });
    }
    case 'boolean': {
      return fc.boolean();
    }
    case 'null': {
      return fc.constant(null);
    }
    case 'array': {
      return fc.array(schema.items ? fromJsonSchema(schema.items) : fc.anything(), {
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    }
    default: {
      return fc.anything({ maxDepth: 2 });
    }
  }
}

/** Shapes a hostile client might send: wrong types, huge and deep values, prototype keys, broken UTF-16, binary. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 4, withBigInt: false, withTypedArray: false }),
  fc.string({ minLength: 5000, maxLength: 20_000 }),
  fc.array(fc.integer(), { minLength: 1000, maxLength: 3000 }),
  fc.integer({ min: 50, max: 300 }).map((depth) => {
    let value: unknown = { kind: 'speech' };
    for (let i = 0; i < depth; i += 1) {
      value = { nested: value };
    }

    return value;
  }),
  fc.constantFrom(
    JSON.parse('{"__proto__": {"isAdmin": true}, "kind": "speech"}'),
    JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    JSON.parse('{"kind": "petition", "topic": "x", "__proto__": null}'),
  ),
  fc.constantFrom('\uD800', 'Xin phát biểu \uDC00\uD800', '\uFFFE\uFFFF'),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
  fc.record({
    kind: fc.constantFrom('speech', 'petition'),
    topic: fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)),
  }),
  fc.constant(undefined),
  fc.constant(null),
);
