// A worker thread's entry that runs a TypeScript source file (its first argument), for tests that
// start the app from its sources: worker threads start JavaScript only, and Jest's transform does
// not reach them. Each file is transpiled on its own (as ts-jest does, isolatedModules), and the
// tsconfig.json `paths` (@sunlight/...) resolve to the libraries' sources.
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const repoRoot = path.resolve(__dirname, '..', '..');
const configFile = path.join(repoRoot, 'tsconfig.json');
const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, repoRoot);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, incremental: false };
const aliases = Object.entries(config.compilerOptions.paths).map(([alias, [target]]) => ({
  alias,
  target: path.join(repoRoot, target),
}));

function resolveAlias(request) {
  for (const { alias, target } of aliases) {
    if (alias.endsWith('/*')) {
      const prefix = alias.slice(0, -1);
      if (request.startsWith(prefix))
        return path.join(target.slice(0, -1), request.slice(prefix.length));
    } else if (request === alias) return target;
  }
  return undefined;
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, resolveAlias(request) ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions,
    fileName: filename,
  });
  module._compile(outputText, filename);
};

require(path.resolve(process.argv[2]));
