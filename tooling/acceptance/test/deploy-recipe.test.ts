// The Kubernetes recipe in deploy/kubernetes/ is valid for the API server and keeps dazzle's rules:
// one step migrates, replicas only verify, probes hit the server's health routes, the Secret holds
// what the binary reads. Each check is also shown to fail on a recipe broken in its way.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fieldNameProblems,
  type ManifestDocument,
  readManifests,
  recipeProblems,
  schemaProblems,
} from './harness/kubernetes-recipe';

// biome-ignore lint/suspicious/noExplicitAny: the cases edit parsed YAML by path, as a person edits the file
type Yaml = any;

const RECIPE = join(import.meta.dirname, '..', '..', '..', 'deploy', 'kubernetes');
const HERE = join(import.meta.dirname, '..');
const EXPECT = {
  secretKeys: ['DATABASE_URL', 'DAZZLE_ADMIN_TOKEN'],
  readinessPath: '/readyz',
  livenessPath: '/healthz',
  drainSeconds: 10,
};

/** The recipe with one change made to the document of `kind`. */
function broken(kind: string, change: (body: Yaml) => void): ManifestDocument[] {
  return readManifests(RECIPE).map((doc) => {
    if (doc.kind !== kind) return doc;
    const body = structuredClone(doc.body);
    change(body);
    return { ...doc, body };
  });
}
const appContainer = (body: Yaml) => body.spec.template.spec.containers[0];

describe('the Kubernetes recipe', () => {
  const documents = readManifests(RECIPE);

  it('has the documents the deploying guide names', () => {
    expect(documents.map((d) => `${d.file}:${d.kind}`)).toEqual([
      'deployment.yaml:Deployment',
      'migrate-job.yaml:Job',
      'pod-disruption-budget.yaml:PodDisruptionBudget',
      'secret.example.yaml:Secret',
      'service.yaml:Service',
    ]);
  });

  it('is valid against the Kubernetes API schemas, and a wrong type is caught', () => {
    expect(schemaProblems(documents)).toEqual([]);
    const wrong = broken('Deployment', (b) => {
      appContainer(b).ports[0].containerPort = '3000';
    });
    expect(schemaProblems(wrong).join('\n')).toMatch(
      /deployment\.yaml: Deployment: .*containerPort must be integer/,
    );
  });

  it('uses only field names the API knows, and a misspelt one is caught', () => {
    expect(fieldNameProblems(documents, HERE)).toEqual([]);
    const misspelt = broken('Deployment', (b) => {
      const app = appContainer(b);
      app.readinessProbes = app.readinessProbe;
      delete app.readinessProbe;
    });
    expect(fieldNameProblems(misspelt, HERE).join('\n')).toMatch(
      /deployment\.yaml: .*readinessProbes.*does not exist/,
    );
  });

  it('migrates in one step, verifies in every replica, probes the health routes, reads the Secret', () => {
    expect(recipeProblems(documents, EXPECT)).toEqual([]);
  });

  it.each([
    [
      'replicas that migrate',
      'Deployment',
      (b: Yaml) => appContainer(b).command.splice(2, 1),
      /--no-migrate/,
    ],
    [
      'no init container',
      'Deployment',
      (b: Yaml) => delete b.spec.template.spec.initContainers,
      /no init container/,
    ],
    [
      'a probe on the wrong route',
      'Deployment',
      (b: Yaml) => (appContainer(b).readinessProbe.httpGet.path = '/'),
      /readinessProbe must GET \/readyz/,
    ],
    [
      'a probe on another port',
      'Deployment',
      (b: Yaml) => (appContainer(b).livenessProbe.httpGet.port = 8080),
      /livenessProbe probes port 8080/,
    ],
    ['loopback only', 'Deployment', (b: Yaml) => (appContainer(b).command[4] = '127.0.0.1'), /0\.0\.0\.0/],
    [
      'no time to drain',
      'Deployment',
      (b: Yaml) => (b.spec.template.spec.terminationGracePeriodSeconds = 10),
      /no room/,
    ],
    [
      'fewer ready pods during a rollout',
      'Deployment',
      (b: Yaml) => (b.spec.strategy.rollingUpdate.maxUnavailable = 1),
      /maxUnavailable/,
    ],
    [
      'a Secret without the admin token',
      'Secret',
      (b: Yaml) => delete b.stringData.DAZZLE_ADMIN_TOKEN,
      /lacks DAZZLE_ADMIN_TOKEN/,
    ],
    [
      'a Job that does not migrate',
      'Job',
      (b: Yaml) => (appContainer(b).command = ['node', 'x.js']),
      /does not run `dazzle db upgrade`/,
    ],
    [
      'a Service aimed elsewhere',
      'Service',
      (b: Yaml) => (b.spec.ports[0].targetPort = 'metrics'),
      /targetPort metrics/,
    ],
    [
      'a budget over no pods',
      'PodDisruptionBudget',
      (b: Yaml) => (b.spec.selector.matchLabels = { app: 'other' }),
      /matches no pod/,
    ],
  ])('catches %s', (_name, kind, change, message) => {
    expect(recipeProblems(broken(kind, change), EXPECT).join('\n')).toMatch(message);
  });
});
