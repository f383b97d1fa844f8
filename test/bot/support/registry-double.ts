// An npm registry double on loopback: packuments and real tarballs packed by `npm pack` from
// fixture packages a test writes, served with their real integrity; every request is recorded.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PackedPackage {
  name: string;
  version: string;
  tarball: Buffer;
  /** `sha512-…`, as npm computed it. */
  integrity: string;
}

/** A fixture package: `files` by path (package.json included), packed as npm publishes it, without running any of its scripts. */
export function packFixture(files: Record<string, string>, executable: readonly string[] = []): PackedPackage {
  const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-pack-'));
  try {
    const dir = path.join(work, 'package');
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content, { mode: executable.includes(file) ? 0o755 : 0o644 });
    }
    const out = path.join(work, 'out');
    mkdirSync(out);
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent', npm_config_update_notifier: 'false' } })) as {
      name: string;
      version: string;
      integrity: string;
      filename: string;
    }[];
    return { name: packed!.name, version: packed!.version, integrity: packed!.integrity, tarball: readFileSync(path.join(out, packed!.filename)) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface RegistryDouble {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Serves `pkg`; `tarball` replaces the bytes served (to serve something other than what the integrity says). */
  add(pkg: PackedPackage, tarball?: Buffer): void;
  /** The standard tarball path of a package version, as requested. */
  tarballPath(name: string, version: string): string;
  close(): Promise<void>;
}

export async function startRegistryDouble(): Promise<RegistryDouble> {
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, { name: string; versions: Record<string, unknown>; 'dist-tags': Record<string, string> }>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    requests.push(url);
    const tarball = tarballs.get(url);
    if (tarball) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
      response.end(tarball);
      return;
    }
    const packument = packuments.get(decodeURIComponent(url.slice(1)));
    if (packument) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(packument));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tarballPath = (name: string, version: string) => `/${name}/-/${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
  return {
    url,
    requests,
    tarballPath,
    add(pkg, served = pkg.tarball) {
      tarballs.set(tarballPath(pkg.name, pkg.version), served);
      const packument = packuments.get(pkg.name) ?? { name: pkg.name, versions: {}, 'dist-tags': {} };
      packument.versions[pkg.version] = { name: pkg.name, version: pkg.version, dist: { tarball: `${url}${tarballPath(pkg.name, pkg.version)}`, integrity: pkg.integrity } };
      packument['dist-tags'].latest = pkg.version;
      packuments.set(pkg.name, packument);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
