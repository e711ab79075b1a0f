export default async function globalTeardown(): Promise<void> {
  await Promise.all([
    globalThis.__sunlightEmbeddedPostgres?.stop(),
    globalThis.__sunlightMongoServer?.stop(),
  ]);
}
