// Browser tests drive Debian's Chromium. npm test runs this first: it installs Chromium when it is missing on
// Debian/Ubuntu and this runs as root, and otherwise stops at once with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM = process.env.GATEHOUSE_TEST_CHROMIUM ?? '/usr/bin/chromium';

function works() {
  return fs.existsSync(CHROMIUM) && spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore' }).status === 0;
}

if (!works()) {
  const apt = fs.existsSync('/usr/bin/apt-get');
  const root = process.getuid?.() === 0;
  if (apt && root) {
    console.error('Chromium is missing; installing it with apt-get (Debian package "chromium")…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (!works()) {
    const command = apt ? 'sudo apt-get install -y chromium' : 'install Chromium and set GATEHOUSE_TEST_CHROMIUM to its path';
    console.error(`The browser tests need Chromium at ${CHROMIUM}, and it is not there. Run:\n\n  ${command}\n\nthen run npm test again.`);
    process.exit(1);
  }
}
