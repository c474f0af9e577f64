// A child process for the lifecycle tests: starts an embedded cluster, says so, and waits
// to be killed (the tests SIGKILL it to leave an orphaned postgres behind).
import { embeddedSettings } from '../../lib/config/embedded-settings';
import { startCluster } from '../../lib/embedded/cluster';

const settings = embeddedSettings(process.env, process.cwd());
await startCluster(settings);
process.stdout.write('READY\n');
setInterval(() => {}, 1 << 30);
