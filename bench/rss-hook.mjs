// Loaded with `node --import` into every timed command: on exit, writes the process's peak
// resident set size (bytes) to $PREMORTEM_BENCH_RSS_FILE. Portable, unlike /usr/bin/time -v.
import { writeFileSync } from 'node:fs';

const target = process.env.PREMORTEM_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
