/**
 * The layering rule (docs/architecture.md): checked by `npm run lint`.
 * domain → nothing of ours; cards → domain; services → domain, cards, audit, outbox, db;
 * transports (chat, actions, http, jobs) → services; no cycles anywhere.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one; split what they share into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds the rules: it imports nothing of ours beyond itself.',
      from: { path: '^src/domain/' },
      to: { path: '^(src/(?!domain/)|cards/|db/)' },
    },
    {
      name: 'cards-render-domain-only',
      severity: 'error',
      comment: 'cards/ renders views: it may import domain/ only.',
      from: { path: '^cards/' },
      to: { path: '^(src/(?!domain/)|db/)' },
    },
    {
      name: 'services-know-no-transport',
      severity: 'error',
      comment:
        'Services know nothing of chat, cards-as-replies, HTTP or Lark: they take a ServiceCtx and return views.',
      from: { path: '^src/services/' },
      to: {
        path: '^(src/(chat|actions|http|jobs|lark|entry|chat-cli|dev)/|src/app\\.ts|src/deps\\.ts|node_modules/(@larksuiteoapi|hono))',
      },
    },
    {
      name: 'infrastructure-below-services',
      severity: 'error',
      comment:
        'The outbox, the queue and the audit chain serve services; they never import them or a transport.',
      from: { path: '^src/(outbox|queue|audit)/' },
      to: { path: '^src/(services|chat|actions|http|jobs|entry)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|\\.wrangler)' },
  },
};
