/**
 * The layering of server/ (../shared/ARCHITECTURE.md, the README's layout section), checked by `npm run lint`: no
 * import cycle anywhere, and no import that runs from a lower layer up to a higher one.
 */
const layer = (name, from, forbidden, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: forbidden },
});

export default {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Modules that import each other, directly or round a loop, cannot be read, tested or moved alone.',
      severity: 'error',
      from: { path: '^server/' },
      to: { circular: true },
    },
    layer(
      'domain-is-pure',
      '^server/domain/',
      '^server/(?!domain/)',
      'The meeting rules import nothing outside server/domain: no I/O, no adapters, no protocol.',
    ),
    layer(
      'domain-base-below-concerns',
      '^server/domain/core/',
      '^server/domain/(?!core/|[A-Za-z]+/types\\.ts$|directory/)',
      "The base (model, events, commands, state, guards) names concerns' types only (their types.ts), never their rules.",
    ),
    layer(
      'domain-dispatch-on-top',
      '^server/domain/(?!(apply|decide)\\.ts$)',
      '^server/domain/(apply|decide)\\.ts$',
      'apply.ts and decide.ts only dispatch to the concerns; nothing below imports them.',
    ),
    layer(
      'protocol-over-domain',
      '^server/protocol/',
      '^server/(?!protocol/|domain/)',
      'The protocol (imported by the browser too) is schemas over the domain, nothing more.',
    ),
    layer(
      'adapters-below-edges',
      '^server/(store|media|content|recording|telemetry|accounts|auth|directory)/',
      '^server/(signaling|http|linking|cluster)/|^server/app\\.ts$',
      'Adapters and services do not reach up into the edges that use them (signaling, HTTP, links, the cluster).',
    ),
    layer(
      'edges-apart',
      '^server/(http|signaling)/',
      '^server/app\\.ts$',
      'Only the composition root (app.ts) assembles the edges.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
