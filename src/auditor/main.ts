import { parseArgs } from 'node:util';
import { auditBundle, AuditFailure, auditExitCodes } from './audit-bundle';

export { auditExitCodes } from './audit-bundle';

const usage = `usage: sunlight audit DIR --log-key VKEY [--witness-key LEVEL:VKEY]... [--require-level LEVEL]...

Checks an export bundle (sunlight export) offline against the public keys given.
Exit codes: 0 passed; 10 a bad signature; 11 no cosignature of a required level;
12 an event altered; 13 an event missing from the range; 14 the order changed;
15 inconsistent checkpoints; 1 an unreadable bundle; 2 a usage error.
`;

interface Output {
  write(text: string): unknown;
}

/**
 * The auditor's entry point: `sunlight audit …`, or without the rest of Sunlight,
 * `node dist/src/auditor/main.js …`. Returns the exit code.
 */
export async function runAudit(
  args: readonly string[],
  stdout: Output,
  stderr: Output,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'log-key': { type: 'string', multiple: true, default: [] },
        'witness-key': { type: 'string', multiple: true, default: [] },
        'require-level': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    stderr.write(`${(error as Error).message}\n${usage}`);
    return auditExitCodes.usage;
  }
  if (parsed.values.help) {
    stdout.write(usage);
    return auditExitCodes.passed;
  }
  if (parsed.positionals.length !== 1) {
    stderr.write(`give one bundle directory\n${usage}`);
    return auditExitCodes.usage;
  }
  try {
    const report = await auditBundle(parsed.positionals[0], {
      logKeys: parsed.values['log-key'],
      witnessKeys: parsed.values['witness-key'],
      requireLevels: parsed.values['require-level'],
    });
    const levels = Object.entries(report.cosignedBy)
      .map(([level, names]) => `${level} (${names.join(', ')})`)
      .join(', ');
    stdout.write(
      `audit passed: ${report.origin}, division ${report.division}, positions ${report.from}–${report.to}: ` +
        `${report.eventsInFull} events in full and ${report.eventsByLeafHash} of other divisions by leaf hash, ` +
        `all in the signed tree of ${report.anchor} events; ${report.checkpoints} checkpoints consistent; ` +
        `cosigned by ${levels || 'no given witness'}\n`,
    );
    return auditExitCodes.passed;
  } catch (error) {
    if (error instanceof AuditFailure) {
      stderr.write(`audit FAILED (exit ${error.exitCode}): ${error.message}\n`);
      return error.exitCode;
    }
    stderr.write(`audit: ${error instanceof Error ? error.message : String(error)}\n`);
    return auditExitCodes.unreadable;
  }
}

if (require.main === module) {
  void runAudit(process.argv.slice(2), process.stdout, process.stderr).then((code) =>
    process.exit(code),
  );
}
