import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../server/domain/directory/authorize.js';
import { PROTOCOL_DOC_PATH, renderProtocolDoc } from '../../server/protocol/docs.js';
import { MESSAGES } from '../../server/protocol/messages.js';
import { REQUEST_NAMES, REQUESTS } from '../../server/protocol/requests.js';
import { COMMAND_REQUESTS, REQUEST_COMMANDS } from '../../server/signaling/requestCommands.js';

describe('protocol', () => {
  it('docs/protocol.md is generated from the schemas (run `npm run docs:protocol` after changing them)', () => {
    expect(readFileSync(PROTOCOL_DOC_PATH, 'utf8')).toBe(renderProtocolDoc());
  });

  it('documents every request and message', () => {
    const doc = renderProtocolDoc();
    for (const name of [...REQUEST_NAMES, ...Object.keys(MESSAGES)]) {
      expect(doc).toContain(`### \`${name}\``);
    }
  });

  it("each command request's documented audience is exactly the roles the domain authorizes", () => {
    for (const name of COMMAND_REQUESTS) {
      const command = REQUEST_COMMANDS[name]({} as never, 'DC-X');
      expect(REQUESTS[name].who, name).toBe(PERMISSIONS[command.type].join(', '));
    }
  });

  it('names events area:verb', () => {
    for (const name of [...REQUEST_NAMES, ...Object.keys(MESSAGES)]) {
      expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
    }
  });
});
