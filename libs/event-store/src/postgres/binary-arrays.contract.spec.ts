/**
 * The binary arrays `sunlight_append` receives are read by the server's own `array_recv`; each
 * case here is checked by the server against the text it prints back.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { binaryTextArray, binaryUuidArray } from './binary-arrays';

for (const target of postgresTargets()) {
  describe(`binary array parameters (${target.label})`, () => {
    let databaseUrl: string;
    let client: Client;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'binary_arrays');
      client = new Client({ connectionString: databaseUrl });
      await client.connect();
    });
    afterAll(async () => {
      await client.end();
      await dropTestDatabase(databaseUrl);
    });

    const roundTrip = async (sql: string, parameter: Buffer): Promise<unknown> =>
      (await client.query<{ value: unknown }>(sql, [parameter])).rows[0].value;

    it('carries texts byte for byte: quotes, backslashes, braces, multi-byte characters, empty ones', async () => {
      const texts = [
        '{"name":"张三","note":"quote \\" backslash \\\\"}',
        '',
        'a,b',
        '{',
        '😀 富源县',
        'NULL',
        ' padded ',
      ];
      expect(await roundTrip('SELECT $1::text[] AS value', binaryTextArray(texts))).toEqual(texts);
      expect(
        await roundTrip('SELECT array_length($1::text[], 1) AS value', binaryTextArray(texts)),
      ).toBe(texts.length);
    });

    it("uses the byte lengths it is given, which must be the texts' UTF-8 lengths", async () => {
      const texts = ['名', 'ab'];
      const exact = binaryTextArray(
        texts,
        texts.map((text) => Buffer.byteLength(text)),
      );
      expect(exact.equals(binaryTextArray(texts))).toBe(true);
      await expect(
        roundTrip('SELECT $1::text[] AS value', binaryTextArray(texts, [1, 2])),
      ).rejects.toThrow();
    });

    it('carries uuids, whatever case they were written in', async () => {
      const ids = [
        randomUUID(),
        randomUUID(),
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
      ];
      expect(await roundTrip('SELECT $1::uuid[]::text[] AS value', binaryUuidArray(ids))).toEqual(
        ids,
      );
      const upper = randomUUID().toUpperCase();
      expect(
        await roundTrip('SELECT ($1::uuid[])[1]::text AS value', binaryUuidArray([upper])),
      ).toBe(upper.toLowerCase());
    });

    it('writes an empty array as one of no dimensions', async () => {
      expect(await roundTrip('SELECT cardinality($1::text[]) AS value', binaryTextArray([]))).toBe(
        0,
      );
      expect(await roundTrip('SELECT cardinality($1::uuid[]) AS value', binaryUuidArray([]))).toBe(
        0,
      );
    });
  });
}
