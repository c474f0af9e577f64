// `drizzle-kit-v1` (drizzle-kit 1.0, a devDependency for the Drizzle 1.0 interop tests) declares
// the same bin name as the project's drizzle-kit 0.31, and npm links the last one it installs at
// node_modules/.bin/drizzle-kit. Point it back at the project's own drizzle-kit, so `npx
// drizzle-kit` is the version the demo and its snapshots were made with; tests reach 1.0 by path.
import fs from 'node:fs';
import path from 'node:path';

const bin = path.join('node_modules', '.bin', 'drizzle-kit');
const own = path.join('node_modules', 'drizzle-kit', 'bin.cjs');
if (fs.existsSync(own) && fs.existsSync(path.dirname(bin))) {
  fs.rmSync(bin, { force: true });
  fs.symlinkSync(path.join('..', 'drizzle-kit', 'bin.cjs'), bin);
}
