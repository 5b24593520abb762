/** A real Supervisor on a test team: real PTYs, the built CLI for hooks, short stop and quiet times. */
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { NodePtySpawner } from '../../src/session/pty.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { CLI, type Team } from './headless.js';

export async function createSupervisor(t: Team): Promise<Supervisor> {
  const loaded = await loadConfig(join(t.repo.dir, 'agents.yaml'));
  return Supervisor.create({
    loaded,
    spawner: new NodePtySpawner(),
    env: t.env,
    cols: 100,
    rows: 30,
    nodePath: process.execPath,
    cliPath: CLI,
    stop: { hangupMs: 1000, termMs: 1000 },
    quietMs: 300,
  });
}
