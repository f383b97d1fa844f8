import { describe, expect, it } from 'vitest';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';

const files = {
  'tsconfig.json': strictTsconfig,
  'prisma/schema.prisma': `model User {\n  id Int @id\n  bookings Booking[]\n}\nmodel Booking {\n  id Int @id\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n  @@index([userId])\n}\n`,
  'src/search.ts': `declare const prisma: any;\nexport const search = (userId: number) => prisma.booking.findMany({ where: { userId } });\n`,
};

describe('.github/premortem.yml', () => {
  it('sets table sizes that the estimates use', () => {
    const dir = createProject({ ...files, '.github/premortem.yml': 'prisma:\n  rows:\n    Booking: 5000000\n    User: 1000\n' });
    const [query] = parseReport(runCli(['queries', '--format', 'json'], dir).stdout).queries;
    expect(query).toMatchObject({ model: 'Booking', bounded: false, index: 'Booking(userId)', estimatedRows: 5000 });
  });

  it('rejects an invalid file with exit 2, naming the key and the problem', () => {
    const dir = createProject({ ...files, '.github/premortem.yml': 'prisma:\n  rows:\n    Booking: lots\n' });
    const result = runCli(['check'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/premortem\.yml is invalid:\n  prisma\.rows\.Booking: /);
  });

  it('rejects YAML that does not parse', () => {
    const dir = createProject({ ...files, '.github/premortem.yml': 'prisma: [unclosed\n' });
    const result = runCli(['check'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/premortem\.yml is not valid YAML/);
  });
});
