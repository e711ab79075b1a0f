// Proves that the deployment files (deploy/compose.yaml, deploy/k8s/*.yaml, deploy/docker/Dockerfile) agree with the app: every variable they set is one the app reads, every variable of the README's configuration table is set, the settings a production stack needs are there and load without error, and images, commands, ports, probes and volumes agree with each other. No container runs here (no Docker engine on the build machines): the files are parsed, never started.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ed25519NoteSigner, ed25519PrivateKeyFromSeed, formatSignerKey } from '@sunlight/integrity';
import { loadAppConfig } from '../src/config/app-config';
import { buildCli } from '../src/cli';

type Env = Record<string, string>;
type Yaml = Record<string, unknown>;

const repoRoot = path.resolve(__dirname, '..');
const deployDir = path.join(repoRoot, 'deploy');
const read = (...parts: string[]) => readFileSync(path.join(...parts), 'utf8');

/** The variables loadAppConfig reads, from its source: the same extraction as test/readme.spec.ts, plus the login URLs. */
const appVariables = [
  ...read(repoRoot, 'src', 'config', 'app-config.ts').matchAll(
    /(?:read|integer|boolean|loginUrl)\(\s*'([A-Z_]+)'/g,
  ),
].map((match) => match[1]!);

const readmeVariables = (() => {
  const readme = read(repoRoot, 'README.md');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]!);
})();

/**
 * What a production deployment must set, with why: the log's server and the logins a DBA made
 * (the image has no place to generate logins), the keys every instance must share (generated ones
 * would differ per container), the job queues and read models outside PostgreSQL, and one file
 * store mounted by every instance.
 */
const productionRequired = [
  'DATABASE_URL',
  'DATABASE_APP_URL',
  'DATABASE_PROJECTOR_URL',
  'JWT_SECRET',
  'SUNLIGHT_SNAPSHOT_KEY',
  'SUNLIGHT_LOG_KEY',
  'WEBHOOK_SECRET_KEY',
  'REDIS_URL',
  'READ_STORE',
  'MONGODB_URL',
  'BLOB_DIR',
  'SUNLIGHT_DATA_DIR',
];

const logKey = formatSignerKey(
  ed25519NoteSigner('sunlight.test/log', ed25519PrivateKeyFromSeed(Buffer.alloc(32, 7))),
  ed25519PrivateKeyFromSeed(Buffer.alloc(32, 7)),
);

/** What an operator puts in the shell (compose) or the Secret (Kubernetes). */
const operatorValues: Env = {
  POSTGRES_PASSWORD: 'postgres-password',
  OWNER_DB_PASSWORD: 'owner-password',
  APP_DB_PASSWORD: 'app-password',
  PROJECTOR_DB_PASSWORD: 'projector-password',
  JWT_SECRET: 'j'.repeat(40),
  SUNLIGHT_SNAPSHOT_KEY: 's'.repeat(40),
  SUNLIGHT_LOG_KEY: logKey,
  WEBHOOK_SECRET_KEY: 'w'.repeat(40),
};

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error} (docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/). */
function interpolate(value: string, shell: Env): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op, rest) => {
    const set = shell[name];
    if (set !== undefined && set !== '') return set;
    if (op === '?') throw new Error(`compose would stop: ${name} is unset (${rest})`);
    return op === '-' ? (rest as string) : '';
  });
}

const asStrings = (record: unknown): Env =>
  Object.fromEntries(Object.entries(record as Yaml).map(([key, value]) => [key, String(value)]));

const compose = parse(read(deployDir, 'compose.yaml'), { merge: true }) as {
  services: Record<string, Yaml>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const appServices = services.filter(([, service]) =>
  String(service['image']).startsWith('sunlight:'),
);
const envOf = (service: Yaml): Env => asStrings(service['environment'] ?? {});
const dockerfile = read(deployDir, 'docker', 'Dockerfile');
const dockerCmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
const healthRoute = '/health';
const cliCommands = buildCli().commands.map((command) => command.name());

describe('the app configuration the deploy files are checked against', () => {
  it('is read from src/config/app-config.ts and the README table, and the two agree', () => {
    expect(appVariables).toEqual(expect.arrayContaining(['DATABASE_URL', 'RUN_PROJECTIONS']));
    expect(readmeVariables).toEqual(expect.arrayContaining(appVariables));
    expect(appVariables).toEqual(expect.arrayContaining(productionRequired));
  });

  it('serves the health route the probes ask for, outside the API prefix', () => {
    expect(read(repoRoot, 'src', 'health', 'health.controller.ts')).toContain(
      `@Controller('${healthRoute.slice(1)}')`,
    );
    expect(read(repoRoot, 'src', 'main.ts')).toMatch(/exclude: \['health'/);
  });
});

describe('deploy/compose.yaml', () => {
  it('runs at least two API instances and one worker from the same image and command', () => {
    const apis = appServices.filter(([, service]) => envOf(service)['RUN_WORKERS'] === 'false');
    const workers = appServices.filter(([, service]) => envOf(service)['RUN_WORKERS'] === 'true');
    expect(apis.length).toBeGreaterThanOrEqual(2);
    expect(workers).toHaveLength(1);
    expect(new Set(appServices.map(([, service]) => service['image'])).size).toBe(1);
    for (const [, service] of appServices) {
      expect(service['command']).toEqual(dockerCmd);
      expect((service['build'] as Yaml)['dockerfile']).toBe('deploy/docker/Dockerfile');
    }
  });

  it.each(appServices)(
    '%s sets only variables the app reads, every one of the README table, and the production ones',
    (_name, service) => {
      const env = envOf(service);
      expect(Object.keys(env).filter((name) => !appVariables.includes(name))).toEqual([]);
      expect(readmeVariables.filter((name) => !(name in env))).toEqual([]);
      const resolved = Object.fromEntries(
        Object.entries(env).map(([key, value]) => [key, interpolate(value, operatorValues)]),
      );
      expect(productionRequired.filter((name) => !resolved[name])).toEqual([]);
      const config = loadAppConfig(resolved);
      expect(config).toMatchObject({ readStore: 'mongodb', port: 3000 });
      expect(config.databaseUrl).toMatch(/@postgres:5432\//);
    },
  );

  it('stops before starting when an operator forgets a password or a key', () => {
    const [, api] = appServices[0]!;
    for (const name of ['JWT_SECRET', 'SUNLIGHT_LOG_KEY', 'OWNER_DB_PASSWORD']) {
      const shell = { ...operatorValues, [name]: '' };
      expect(() => Object.values(envOf(api)).forEach((value) => interpolate(value, shell))).toThrow(
        name,
      );
    }
  });

  it('splits the work: API instances only serve HTTP, the worker runs projections, processors and jobs', () => {
    for (const [, service] of appServices) {
      const env = envOf(service);
      const flags = [env['RUN_PROJECTIONS'], env['RUN_PROCESSORS'], env['RUN_WORKERS']];
      expect([
        ['false', 'false', 'false'],
        ['true', 'true', 'true'],
      ]).toContainEqual(flags);
    }
  });

  it('health-checks every app instance on /health at its PORT, and waits for healthy dependencies', () => {
    for (const [, service] of appServices) {
      const check = (service['healthcheck'] as { test: string[] }).test.join(' ');
      expect(check).toContain(`:${envOf(service)['PORT']}${healthRoute}'`);
      const dependsOn = service['depends_on'] as Record<string, { condition: string }>;
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        expect(condition).toBe('service_healthy');
        expect(compose.services[dependency]?.['healthcheck']).toBeDefined();
        // A service in a profile is not started by a plain `up`: depending on it would fail.
        expect(compose.services[dependency]?.['profiles']).toBeUndefined();
      }
    }
  });

  it('mounts one shared file store at BLOB_DIR in every app instance, and declares every named volume', () => {
    for (const [, service] of appServices) {
      expect(service['volumes']).toContain(`blobs:${envOf(service)['BLOB_DIR']}`);
    }
    const named = services.flatMap(([, service]) =>
      ((service['volumes'] as string[] | undefined) ?? [])
        .map((mount) => mount.split(':')[0]!)
        .filter((source) => !source.startsWith('.')),
    );
    expect(named.filter((volume) => !(volume in compose.volumes))).toEqual([]);
  });

  it('offers KurrentDB as a single node and as a three-node cluster, each a profile, with health checks and volumes', () => {
    const kurrent = services.filter(([, service]) =>
      String(service['image']).startsWith('kurrentplatform/kurrentdb:'),
    );
    const byProfile = (profile: string) =>
      kurrent.filter(([, service]) => (service['profiles'] as string[]).includes(profile));
    expect(byProfile('kurrentdb')).toHaveLength(1);
    expect(byProfile('kurrentdb-cluster')).toHaveLength(3);
    for (const [, service] of byProfile('kurrentdb-cluster')) {
      expect(envOf(service)['KURRENTDB_CLUSTER_SIZE']).toBe('3');
    }
    for (const [, service] of kurrent) {
      expect(service['healthcheck']).toBeDefined();
      expect(service['volumes']).toEqual(
        expect.arrayContaining([expect.stringMatching(/:\/var\/lib\/kurrentdb$/)]),
      );
    }
  });

  it('runs MongoDB as a replica set named in MONGODB_URL', () => {
    const members = services.filter(([, service]) => String(service['image']).startsWith('mongo:'));
    expect(members.length).toBeGreaterThanOrEqual(3);
    // A multi-host MongoDB URL is no WHATWG URL: take it apart by hand.
    const url = envOf(appServices[0]![1])['MONGODB_URL']!;
    const replicaSet = /[?&]replicaSet=([^&]+)/.exec(url)?.[1];
    const hosts = /^mongodb:\/\/([^/]+)\//.exec(url)![1]!.split(',');
    expect(replicaSet).toBeDefined();
    expect(hosts.sort()).toEqual(members.map(([name]) => `${name}:27017`).sort());
    for (const [, service] of members) {
      expect(service['command']).toEqual(expect.arrayContaining(['--replSet', replicaSet]));
    }
    // One member initiates the set, naming every member, and is healthy only once there is a
    // primary: mongosh --eval exits 0 whatever its last value unless told otherwise.
    const initiating = members.filter(([, service]) =>
      JSON.stringify(service['healthcheck'] ?? '').includes('rs.initiate'),
    );
    expect(initiating).toHaveLength(1);
    const check = (initiating[0]![1]['healthcheck'] as { test: string[] }).test.join(' ');
    expect(check).toMatch(/quit\(.*PRIMARY.*\? 0 : 1\)/);
    for (const host of hosts) expect(check).toContain(`host: '${host}'`);
  });
});

describe('deploy/docker/Dockerfile', () => {
  it('builds on Node 24, installs production dependencies only, runs as a non-root user and serves', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(froms.every((image) => image === 'node:24-bookworm-slim')).toBe(true);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^COPY --from=dependencies \/app\/node_modules/m);
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toContain(`http://127.0.0.1:3000${healthRoute}`);
    // `node dist/src/cli.js <command>`: the build's output of src/cli.ts, and a command it has.
    expect(dockerCmd.slice(0, 2)).toEqual(['node', 'dist/src/cli.js']);
    expect(cliCommands).toContain(dockerCmd[2]);
  });
});

describe('deploy/k8s', () => {
  const k8sDir = path.join(deployDir, 'k8s');
  const files = readdirSync(k8sDir).filter((name) => name.endsWith('.yaml'));
  const kustomization = parse(read(k8sDir, 'kustomization.yaml')) as { resources: string[] };
  const objects = files
    .filter((name) => name !== 'kustomization.yaml')
    .flatMap((name) =>
      parseAllDocuments(read(k8sDir, name)).map((document) => {
        expect(document.errors).toEqual([]);
        return document.toJSON() as Yaml & { kind: string; metadata: { name: string } };
      }),
    );
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const configMaps = new Map(
    ofKind('ConfigMap').map((map) => [map.metadata.name, asStrings(map['data'])]),
  );
  const secrets = new Map(
    ofKind('Secret').map((secret) => [secret.metadata.name, asStrings(secret['stringData'])]),
  );
  type Container = {
    image: string;
    command: string[];
    ports: { containerPort: number }[];
    envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    env: { name: string; value: string }[];
    readinessProbe: { httpGet?: { path: string; port: number } };
    livenessProbe: { tcpSocket?: { port: number }; httpGet?: unknown };
    volumeMounts: { name: string; mountPath: string }[];
  };
  const deployments = ofKind('Deployment').map((deployment) => {
    const spec = (deployment['spec'] as Yaml)['template'] as {
      metadata: { labels: Env };
      spec: { containers: Container[]; volumes: { name: string }[] };
    };
    const container = spec.spec.containers[0]!;
    const env: Env = {};
    for (const source of container.envFrom) {
      if (source.configMapRef) Object.assign(env, configMaps.get(source.configMapRef.name)!);
      if (source.secretRef) Object.assign(env, secrets.get(source.secretRef.name)!);
    }
    for (const { name, value } of container.env) env[name] = value;
    return { name: deployment.metadata.name, labels: spec.metadata.labels, container, env, spec };
  });

  it('lists every manifest in kustomization.yaml', () => {
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((name) => name !== 'kustomization.yaml').sort(),
    );
  });

  it('has an API Deployment with a Service, a worker Deployment, a ConfigMap, a Secret and a KurrentDB StatefulSet behind a headless Service', () => {
    expect(deployments.map((deployment) => deployment.env['RUN_WORKERS']).sort()).toEqual([
      'false',
      'true',
    ]);
    expect(configMaps.size).toBe(1);
    expect(secrets.size).toBe(1);
    const api = deployments.find((deployment) => deployment.env['RUN_WORKERS'] === 'false')!;
    const apiService = ofKind('Service').find((service) =>
      Object.entries((service['spec'] as { selector: Env }).selector).every(
        ([key, value]) => api.labels[key] === value,
      ),
    )!;
    expect(apiService).toBeDefined();
    expect((apiService['spec'] as { ports: { targetPort: number }[] }).ports[0]!.targetPort).toBe(
      Number(api.env['PORT']),
    );
    const [kurrentdb] = ofKind('StatefulSet');
    const serviceName = (kurrentdb!['spec'] as { serviceName: string }).serviceName;
    const headless = ofKind('Service').find((service) => service.metadata.name === serviceName)!;
    expect((headless['spec'] as { clusterIP: string }).clusterIP).toBe('None');
  });

  it('sets in each Deployment only variables the app reads, every one of the README table, and the production ones', () => {
    for (const { env } of deployments) {
      expect(Object.keys(env).filter((name) => !appVariables.includes(name))).toEqual([]);
      expect(readmeVariables.filter((name) => !(name in env))).toEqual([]);
      expect(productionRequired.filter((name) => !env[name])).toEqual([]);
    }
  });

  it('refuses to start with the Secret as shipped, and starts once its placeholders are replaced', () => {
    for (const { env } of deployments) {
      expect(() => loadAppConfig(env)).toThrow(
        /JWT_SECRET|SUNLIGHT_SNAPSHOT_KEY|SUNLIGHT_LOG_KEY|WEBHOOK_SECRET_KEY/,
      );
      const filled = Object.fromEntries(
        Object.entries(env).map(([key, value]) => [
          key,
          value.includes('CHANGE-ME')
            ? (operatorValues[key] ?? value.replace('CHANGE-ME', 'password'))
            : value,
        ]),
      );
      expect(loadAppConfig(filled)).toMatchObject({ readStore: 'mongodb', port: 3000 });
    }
  });

  it('runs the same image and command as compose, probes readiness on /health and liveness on the port, and mounts the file store at BLOB_DIR', () => {
    expect(new Set(deployments.map(({ container }) => container.image)).size).toBe(1);
    for (const { env, container, spec } of deployments) {
      const port = Number(env['PORT']);
      expect(container.command).toEqual(dockerCmd);
      expect(container.ports.map((entry) => entry.containerPort)).toEqual([port]);
      expect(container.readinessProbe.httpGet).toEqual({ path: healthRoute, port });
      // /health answers 503 while PostgreSQL is down: as liveness it would restart every pod.
      expect(container.livenessProbe).toMatchObject({ tcpSocket: { port } });
      const mount = container.volumeMounts.find((entry) => entry.mountPath === env['BLOB_DIR']);
      expect(spec.spec.volumes.map((volume) => volume.name)).toContain(mount?.name);
    }
  });
});
