import { existsSync, readFileSync, statSync } from 'fs';
import { dirname, join } from 'path';
import { parseDivisionCsv } from './division-csv.parser';
import { DivisionRegistry } from './division-registry';

export const divisionDataDirectory = join('data', 'divisions');
export const defaultDivisionFileName = 'yunnan-53.csv';
// The whole of China at village level is about 40 MB; anything larger is not a division file.
export const divisionFileBytesMax = 64 * 1024 * 1024;
const projectRootSearchDepthMax = 16;

// Walking up works both from source under ts-jest and from dist/libs/geo/src after compilation.
export function findProjectRoot(startDirectory: string = __dirname): string {
  let directory = startDirectory;
  for (let depth = 0; depth < projectRootSearchDepthMax; depth += 1) {
    if (existsSync(join(directory, divisionDataDirectory))) return directory;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new Error(`No ${divisionDataDirectory} directory found above ${startDirectory}`);
}

export function defaultDivisionFilePaths(): string[] {
  return [join(findProjectRoot(), divisionDataDirectory, defaultDivisionFileName)];
}

export function loadDivisionRegistry(
  paths: readonly string[] = defaultDivisionFilePaths(),
): DivisionRegistry {
  if (paths.length === 0) throw new RangeError('loadDivisionRegistry needs at least one CSV file');
  const records = paths.flatMap((path) => {
    const { size } = statSync(path);
    if (size > divisionFileBytesMax) {
      throw new RangeError(
        `${path} is ${size} bytes, more than the ${divisionFileBytesMax}-byte limit for a division file`,
      );
    }
    return parseDivisionCsv(readFileSync(path, 'utf8'), path);
  });
  return DivisionRegistry.fromRecords(records);
}
