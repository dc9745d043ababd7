import { readFile } from 'node:fs/promises';
import { ConfigMap, PersistentVolumeClaim, Pod, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../server/config.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ConfigMap,
  Secret,
  PersistentVolumeClaim,
  Pod,
  Service,
  Deployment,
  StatefulSet,
};

async function manifests(file: string): Promise<{ kind: string; metadata: { name: string } }[]> {
  const text = await readFile(new URL(`../../infra/kube/${file}`, import.meta.url), 'utf8');

  return parseAllDocuments(text).map((document) => document.toJS() as { kind: string; metadata: { name: string } });
}

interface ContainerSpec {
  name: string;
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  envFrom?: unknown[];
  readinessProbe?: { httpGet?: { path: string } };
}

/**
 * The pod files a province's IT plays (podman kube play) or applies (Kubernetes): each object valid against the
 * Kubernetes schemas (kubernetes-models), the coordinator configured only by what the server accepts, and every
 * container non-root on a read-only root file system.
 */
describe('the Kubernetes files (infra/kube)', () => {
  it.each(['diemcau.yaml', 'diemcau-two-nodes.yaml'])('%s: every object is valid Kubernetes', async (file) => {
    const objects = await manifests(file);
    expect(objects.length).toBeGreaterThan(2);
    for (const object of objects) {
      const Model = MODELS[object.kind];
      expect(Model, `${object.kind} is not a kind these files should hold`).toBeDefined();
      expect(
        () => new (Model as NonNullable<typeof Model>)(object as never).validate(),
        object.metadata.name,
      ).not.toThrow();
    }
  });

  it('a pod of coordinator, Redis and coturn: non-root, read-only roots, probes on /healthz, data on volumes', async () => {
    const objects = await manifests('diemcau.yaml');
    const pod = objects.find((o) => o.kind === 'Pod') as unknown as {
      spec: {
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: ContainerSpec[];
        volumes: { name: string }[];
      };
    };
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(pod.spec.containers.map((c) => c.name).sort()).toEqual(['coordinator', 'coturn', 'redis']);
    for (const container of pod.spec.containers) {
      expect(container.securityContext, container.name).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
    }
    const coordinator = pod.spec.containers.find((c) => c.name === 'coordinator');
    expect(coordinator?.readinessProbe?.httpGet?.path).toBe('/healthz');
    expect(pod.spec.volumes.map((v) => v.name)).toEqual(expect.arrayContaining(['data', 'redis', 'tmp']));
  });

  it('configures the coordinator only with settings it accepts (the ConfigMap and the Secret load as they are)', async () => {
    const objects = await manifests('diemcau.yaml');
    const data = (objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> }).data;
    const secret = (objects.find((o) => o.kind === 'Secret') as unknown as { stringData: Record<string, string> })
      .stringData;
    const config = loadConfig({ ...data, ...secret, DATA_DIR: '/var/lib/diemcau' });
    expect(config).toMatchObject({ NODE_ENV: 'production', STORE: 'redis', MEDIA_BRIDGE: 'mediasoup' });
    // Every key is a setting of the server's (a typo would be ignored silently otherwise).
    const known = new Set(Object.keys(config));
    expect(Object.keys({ ...data, ...secret }).filter((key) => !known.has(key))).toEqual([]);
  });
});
