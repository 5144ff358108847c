/**
 * Checks the Kubernetes recipe in deploy/kubernetes/ the way a cluster would, without a cluster:
 * every document against the Kubernetes API schemas (types, required fields), every field name
 * against the API's TypeScript types (the schemas alone accept a misspelt `readinessProbes`), and
 * the promises the recipe makes about dazzle: which commands run where, probes on the server's own
 * health routes, the Secret holding what the binary reads, room for the drain at shutdown.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

export interface ManifestDocument {
  file: string;
  kind: string;
  body: Record<string, unknown>;
}

interface KindModel {
  validate(body: Record<string, unknown>): void;
  /** The model's TypeScript interface, for the field-name check. */
  typeImport: string;
}

const MODELS: Record<string, KindModel> = {
  Deployment: {
    validate: (b) => new Deployment(b as never).validate(),
    typeImport: "import('kubernetes-models/apps/v1/Deployment').IDeployment",
  },
  Service: {
    validate: (b) => new Service(b as never).validate(),
    typeImport: "import('kubernetes-models/v1/Service').IService",
  },
  Secret: {
    validate: (b) => new Secret(b as never).validate(),
    typeImport: "import('kubernetes-models/v1/Secret').ISecret",
  },
  Job: {
    validate: (b) => new Job(b as never).validate(),
    typeImport: "import('kubernetes-models/batch/v1/Job').IJob",
  },
  PodDisruptionBudget: {
    validate: (b) => new PodDisruptionBudget(b as never).validate(),
    typeImport: "import('kubernetes-models/policy/v1/PodDisruptionBudget').IPodDisruptionBudget",
  },
};

export function readManifests(folder: string): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const file of readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(folder, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const body = doc.toJS() as Record<string, unknown> | null;
      if (body) documents.push({ file, kind: String(body.kind), body });
    }
  }
  return documents;
}

/** Schema problems, one line each: `file: Kind: message`. */
export function schemaProblems(documents: readonly ManifestDocument[]): string[] {
  const problems: string[] = [];
  for (const { file, kind, body } of documents) {
    const model = MODELS[kind];
    if (!model) {
      problems.push(`${file}: ${kind}: no schema known for this kind`);
      continue;
    }
    try {
      model.validate(body);
    } catch (error) {
      problems.push(`${file}: ${kind}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * Unknown or misspelt field names, found by TypeScript's excess-property check: each document is
 * written as an object literal typed with its kind's interface and compiled (nothing emitted).
 * `moduleDir` must see kubernetes-models in its node_modules.
 */
export function fieldNameProblems(documents: readonly ManifestDocument[], moduleDir: string): string[] {
  const scratch = mkdtempSync(join(moduleDir, '.k8s-fields-'));
  try {
    const files = documents
      .filter((d) => MODELS[d.kind])
      .map((d, index) => {
        const path = join(scratch, `doc${index}.ts`);
        const model = MODELS[d.kind] as KindModel;
        writeFileSync(
          path,
          `// ${d.file}\nexport const doc: ${model.typeImport} = ${JSON.stringify(d.body, null, 2)};\n`,
        );
        return { path, file: d.file };
      });
    const program = ts.createProgram(
      files.map((f) => f.path),
      {
        noEmit: true,
        strict: true,
        skipLibCheck: true,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        target: ts.ScriptTarget.ES2022,
        types: [],
      },
    );
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const source = files.find((f) => f.path === d.file?.fileName)?.file ?? d.file?.fileName ?? '?';
      return `${source}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

type Container = {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { secretRef?: { name?: string } }[];
  env?: { valueFrom?: { secretKeyRef?: { name?: string; key: string } } }[];
  readinessProbe?: { httpGet?: { path?: string; port: number | string } };
  livenessProbe?: { httpGet?: { path?: string; port: number | string } };
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds: number } } };
};
type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
};

function podSpecOf(doc: ManifestDocument): PodSpec | undefined {
  const spec = doc.body.spec as { template?: { spec?: PodSpec } } | undefined;
  return spec?.template?.spec;
}

const commandLine = (c: Container) => [...(c.command ?? []), ...(c.args ?? [])].join(' ');

function flagValue(c: Container, flag: string): string | undefined {
  const words = [...(c.command ?? []), ...(c.args ?? [])];
  const at = words.indexOf(flag);
  return at >= 0 ? words[at + 1] : undefined;
}

function preStopSeconds(c: Container): number {
  const stop = c.lifecycle?.preStop;
  if (stop?.sleep) return stop.sleep.seconds;
  const sleep = stop?.exec?.command;
  return sleep?.[0] === 'sleep' ? Number(sleep[1]) : 0;
}

export interface RecipeExpectations {
  /** Environment variables the dazzle binary reads from the Secret. */
  secretKeys: readonly string[];
  readinessPath: string;
  livenessPath: string;
  /** Seconds the server may take to finish in-flight requests after SIGTERM. */
  drainSeconds: number;
}

/** What the recipe promises about dazzle, checked across documents. */
export function recipeProblems(documents: readonly ManifestDocument[], expect: RecipeExpectations): string[] {
  const problems: string[] = [];
  const secrets = documents.filter((d) => d.kind === 'Secret');
  const secretKeys = new Map(
    secrets.map((s) => [
      (s.body.metadata as { name: string }).name,
      Object.keys({ ...(s.body.stringData as object), ...(s.body.data as object) }),
    ]),
  );
  for (const [name, keys] of secretKeys)
    for (const key of expect.secretKeys)
      if (!keys.includes(key)) problems.push(`Secret ${name} lacks ${key}`);

  const deployments = documents.filter((d) => d.kind === 'Deployment');
  if (deployments.length === 0) problems.push('no Deployment');
  for (const doc of [...deployments, ...documents.filter((d) => d.kind === 'Job')]) {
    const pod = podSpecOf(doc);
    if (!pod) {
      problems.push(`${doc.file}: no pod template`);
      continue;
    }
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      for (const ref of c.envFrom ?? [])
        if (ref.secretRef?.name && !secretKeys.has(ref.secretRef.name))
          problems.push(
            `${doc.file}: ${c.name} reads Secret ${ref.secretRef.name}, which the recipe does not define`,
          );
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !secretKeys.get(ref.name ?? '')?.includes(ref.key))
          problems.push(
            `${doc.file}: ${c.name} reads ${ref.name}/${ref.key}, which the recipe does not define`,
          );
      }
    }
    if (doc.kind === 'Job') {
      if (!pod.containers.some((c) => /dazzle db upgrade\b/.test(commandLine(c))))
        problems.push(`${doc.file}: the Job does not run \`dazzle db upgrade\``);
      continue;
    }
    problems.push(...deploymentProblems(doc, pod, expect));
  }
  problems.push(...selectorProblems(documents));
  return problems;
}

type Labels = Record<string, string>;
const matches = (selector: Labels | undefined, labels: Labels | undefined) =>
  !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Services and disruption budgets must select the Deployment's pods, and reach a port they declare. */
function selectorProblems(documents: readonly ManifestDocument[]): string[] {
  const pods = documents
    .filter((d) => d.kind === 'Deployment')
    .map((d) => {
      const spec = d.body.spec as { template: { metadata?: { labels?: Labels }; spec: PodSpec } };
      return {
        labels: spec.template.metadata?.labels,
        ports: spec.template.spec.containers.flatMap((c) => c.ports ?? []),
      };
    });
  const problems: string[] = [];
  for (const doc of documents) {
    const spec = doc.body.spec as {
      selector?: Labels | { matchLabels?: Labels };
      ports?: { targetPort?: number | string }[];
    };
    if (doc.kind === 'Service') {
      const selected = pods.filter((p) => matches(spec.selector as Labels, p.labels));
      if (selected.length === 0) problems.push(`${doc.file}: the Service selects no Deployment's pods`);
      for (const port of spec.ports ?? [])
        if (
          !selected.some((p) =>
            p.ports.some((c) => c.name === port.targetPort || c.containerPort === port.targetPort),
          )
        )
          problems.push(`${doc.file}: targetPort ${String(port.targetPort)} is no port of the selected pods`);
    }
    if (doc.kind === 'PodDisruptionBudget' || doc.kind === 'Deployment') {
      const selector = (spec.selector as { matchLabels?: Labels } | undefined)?.matchLabels;
      if (!pods.some((p) => matches(selector, p.labels)))
        problems.push(`${doc.file}: ${doc.kind} selector matches no pod template`);
    }
  }
  return problems;
}

function deploymentProblems(doc: ManifestDocument, pod: PodSpec, expect: RecipeExpectations): string[] {
  const problems: string[] = [];
  const where = `${doc.file}: Deployment`;
  const serving = pod.containers.filter((c) => /dazzle serve\b/.test(commandLine(c)));
  if (serving.length !== 1) return [`${where}: expected one container running \`dazzle serve\``];
  const app = serving[0] as Container;
  if (!commandLine(app).includes('--no-migrate'))
    problems.push(
      `${where}: replicas must run \`dazzle serve --no-migrate\` (migrating belongs to one step)`,
    );
  const migrates = [...(pod.initContainers ?? [])].some((c) => /dazzle db upgrade\b/.test(commandLine(c)));
  if (!migrates) problems.push(`${where}: no init container runs \`dazzle db upgrade\``);
  for (const init of pod.initContainers ?? [])
    if (init.image !== app.image) problems.push(`${where}: init container ${init.name} runs another image`);

  const port = Number(flagValue(app, '--port'));
  const named = new Map((app.ports ?? []).map((p) => [p.name, p.containerPort]));
  if (!(app.ports ?? []).some((p) => p.containerPort === port))
    problems.push(`${where}: the server listens on ${port}, which no container port declares`);
  if (flagValue(app, '--host') !== '0.0.0.0')
    problems.push(`${where}: the server must listen on 0.0.0.0 to be reachable from the kubelet`);
  const probes: [string, { httpGet?: { path?: string; port: number | string } } | undefined, string][] = [
    ['readinessProbe', app.readinessProbe, expect.readinessPath],
    ['livenessProbe', app.livenessProbe, expect.livenessPath],
  ];
  for (const [name, probe, path] of probes) {
    if (probe?.httpGet?.path !== path) problems.push(`${where}: ${name} must GET ${path}`);
    const target = probe?.httpGet?.port;
    const resolved = typeof target === 'string' ? named.get(target) : target;
    if (resolved !== port)
      problems.push(`${where}: ${name} probes port ${String(target)}, not the server's ${port}`);
  }
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  if (grace <= preStopSeconds(app) + expect.drainSeconds)
    problems.push(
      `${where}: terminationGracePeriodSeconds ${grace} leaves no room for preStop (${preStopSeconds(app)} s) and the drain (${expect.drainSeconds} s)`,
    );
  const rolling = (doc.body.spec as { strategy?: { rollingUpdate?: { maxUnavailable?: number | string } } })
    .strategy?.rollingUpdate;
  if (rolling?.maxUnavailable !== 0)
    problems.push(`${where}: maxUnavailable must be 0 for a rolling deploy without fewer ready pods`);
  return problems;
}
