/**
 * The MongoDB-wire server shipped on npm, started once per test run by the jest globalSetup
 * (the starter is the benchmarks', which are built; tests are not). Suites always run against it,
 * and against a real MongoDB too when MONGODB_URL is set.
 */
export {
  startMongoWireServer,
  type MongoWireServer as MongoServerHandle,
} from '../../bench/support/mongo-wire-server';

/** MongoDB servers the suites run against: the MongoDB-wire test server always, MONGODB_URL's when set. */
export function mongoTargets(): { label: string; url: string }[] {
  const url = process.env.SUNLIGHT_TEST_MONGODB_URL;
  if (!url)
    throw new Error(
      'SUNLIGHT_TEST_MONGODB_URL is not set: run the tests through jest.config.js (its globalSetup starts the MongoDB-wire server)',
    );
  const targets = [{ label: 'MongoDB-wire test server (jongodb)', url }];
  if (process.env.MONGODB_URL)
    targets.push({ label: 'MONGODB_URL MongoDB', url: process.env.MONGODB_URL });
  return targets;
}
