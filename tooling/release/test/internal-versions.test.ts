import { describe, expect, it } from 'vitest';
import { internalDependencies, internalVersionProblems } from '../publish-packages.mjs';

const manifest = (name: string, version: string, dependencies: Record<string, string> = {}) => ({
  name,
  version,
  dependencies,
});

describe('internalDependencies', () => {
  it('lists the @app dependencies and peers with their packed versions, nothing else', () => {
    expect(
      internalDependencies({
        dependencies: { '@app/migrator': '0.2.0', commander: '14.0.3' },
        peerDependencies: { '@app/server': '0.2.0', typeorm: '1.1.1' },
      }),
    ).toEqual([
      { name: '@app/migrator', version: '0.2.0' },
      { name: '@app/server', version: '0.2.0' },
    ]);
  });
});

describe('internalVersionProblems', () => {
  it('accepts a release whose packages name each other at the versions being packed', () => {
    expect(
      internalVersionProblems([
        manifest('@app/entities-framework', '0.2.0'),
        manifest('@app/migrator', '0.2.0', { '@app/entities-framework': '0.2.0' }),
      ]),
    ).toEqual([]);
  });

  it('refuses a package that names an older version of one packed beside it', () => {
    const problems = internalVersionProblems([
      manifest('@app/migrator', '0.2.0'),
      manifest('@app/cli', '0.2.0', { '@app/migrator': '0.1.0' }),
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      '@app/cli@0.2.0 depends on @app/migrator@0.1.0, but this release packs @app/migrator@0.2.0',
    );
  });

  it('refuses a package that names an @app package this release does not pack', () => {
    expect(internalVersionProblems([manifest('@app/cli', '0.2.0', { '@app/server': '0.2.0' })])[0]).toContain(
      'packs @app/server@(nothing)',
    );
  });
});
