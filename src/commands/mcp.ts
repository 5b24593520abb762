/** `supervise mcp`: the memory MCP server over stdio (src/memory/mcp.ts), for the repository it is started in or --root. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionalConfigFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { DEFAULT_INJECT_BUDGET, type LoadedConfig, type MemorySettings } from '../config/types.js';
import { SuperviseError } from '../errors.js';
import { repositoryName } from '../memory/capture.js';
import { openMemory, type MemoryClient } from '../memory/index.js';
import { serveStdio } from '../memory/mcp.js';
import { packageRoot } from '../paths.js';
import type { CommandArgs } from './table.js';

const DEFAULT_SETTINGS: MemorySettings = { store: 'on', embedder: { provider: 'local' }, inject: { budget: DEFAULT_INJECT_BUDGET } };

export async function mcpCommand({ values, io }: CommandArgs): Promise<number> {
  const dir = (values.root as string | undefined) ?? io.cwd;
  const file = await optionalConfigFile(dir, values.config as string | undefined);
  const loaded: LoadedConfig | undefined = file ? await loadConfig(file) : undefined;
  const settings = loaded?.config.memory ?? DEFAULT_SETTINGS;
  if (settings.store === 'off') {
    throw new SuperviseError('UsageError', `memory.store is off in ${loaded?.file ?? 'agents.yaml'}: there is no memory to serve.`, loaded ? { file: loaded.file } : {}, 'Set memory.store: on, or leave the MCP server out.');
  }
  const agentName = (values.agent as string | undefined) ?? io.env.SUPERVISE_AGENT;
  const agent = loaded?.config.agents.find((a) => a.name === agentName);
  let client: MemoryClient | undefined;
  const memory = (): MemoryClient => {
    client ??= openMemory({ settings, env: io.env });
    if (!client) throw new Error('memory.store is off');
    return client;
  };
  const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const repository = loaded ? await repositoryName(loaded.root) : undefined;
  try {
    await serveStdio({ memory, version, meta: { project: loaded?.config.project, repository, agent: agentName, branch: agent?.branch } });
  } finally {
    await client?.close().catch(() => undefined);
  }
  return 0;
}
