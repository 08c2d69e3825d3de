import { describe, expect, it } from 'vitest';
import { configEnvNames } from './support/config-env-names';
import { readSecretTemplate } from './support/deploy-facts';
import { dataKeys } from './support/k8s-objects';
import { schemaProblems } from './support/kubernetes-schemas';

describe('deploy/k8s/base/secret.template.yaml', () => {
  const secret = readSecretTemplate();

  it('is a valid Secret in the hexbase namespace', () => {
    expect(schemaProblems([secret])).toEqual([]);
    expect(secret.metadata).toMatchObject({ name: 'hexbase-secrets', namespace: 'hexbase' });
  });

  it('holds the URLs with credentials that libs/config reads, and nothing else', () => {
    const { common } = configEnvNames();
    const keys = dataKeys(secret);
    expect(keys.filter((key) => !common.has(key))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL']));
    for (const key of keys) expect(new URL(secret.stringData ? (secret.stringData as Record<string, string>)[key]! : '').password, key).toBe('CHANGE_ME');
  });
});
