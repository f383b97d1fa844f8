/** The tsconfig of the small Next.js apps rule tests build: JSX, bundler resolution, `@/*` → `src/*`. */
export const NEXT_APP_TSCONFIG = JSON.stringify({
  compilerOptions: { jsx: 'react-jsx', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true, paths: { '@/*': ['./src/*'] } },
  include: ['**/*.ts', '**/*.tsx'],
});
