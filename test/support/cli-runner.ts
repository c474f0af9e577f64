import { runCli } from '../../lib/cli/main';

/** Runs the CLI in-process with its output captured, as a terminal would see it. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, (s) => void (stdout += s), (s) => void (stderr += s));
  return { code, stdout, stderr };
}
