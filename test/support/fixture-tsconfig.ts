/**
 * The tsconfig of the small projects rule tests build, with no node_modules: strict, bundler
 * resolution, `@/*` → `src/*`; JSX for Next.js apps, decorators for NestJS code.
 */
export function fixtureTsconfig({ jsx = false, decorators = false }: { jsx?: boolean; decorators?: boolean } = {}): string {
  return JSON.stringify({
    compilerOptions: {
      ...(jsx ? { jsx: 'react-jsx' } : {}),
      module: 'esnext',
      moduleResolution: 'bundler',
      strict: true,
      noEmit: true,
      ...(decorators ? { experimentalDecorators: true } : {}),
      paths: { '@/*': ['./src/*'] },
    },
    include: jsx ? ['**/*.ts', '**/*.tsx'] : ['**/*.ts'],
  });
}

export const NEXT_APP_TSCONFIG = fixtureTsconfig({ jsx: true });
