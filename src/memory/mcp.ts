/**
 * `supervise mcp`: the shared memory as an MCP server over stdio, for agents that speak MCP
 * (Claude Code gets it through --mcp-config, see claudeSettings.ts). Two tools: memory_search
 * and memory_add. The store is opened on the first call, never at start: an agent that never
 * asks costs nothing.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import type { MemoryClient, MemoryKind, NewMemory } from './index.js';

export const MEMORY_KINDS = ['pattern', 'mistake', 'preference', 'learning', 'decision'] as const satisfies readonly MemoryKind[];

export interface McpContext {
  /** Opens the store on first use (kept for the server's life). */
  memory(): MemoryClient;
  /** Stamped on what memory_add keeps. */
  meta: Pick<NewMemory, 'project' | 'repository' | 'agent' | 'branch'>;
  version: string;
}

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

function text(t: string, isError = false): ToolResult {
  return isError ? { content: [{ type: 'text', text: t }], isError } : { content: [{ type: 'text', text: t }] };
}

/** The server with its two tools, not connected yet. */
export function createMemoryServer(ctx: McpContext): McpServer {
  const server = new McpServer({ name: 'supervise-memory', version: ctx.version });
  server.registerTool(
    'memory_search',
    {
      title: 'Search the team memory',
      description:
        "Search the shared memory of what agents learned before (patterns, mistakes, decisions, preferences, learnings), across this and other projects. Use it when you hit a problem or before a design choice. Ranks by shared words and vector similarity; returns JSON: [{id, kind, text, score, project, agent, source}].",
      inputSchema: { query: z.string().min(1).describe('words describing the problem or topic'), limit: z.number().int().min(1).max(50).optional().describe('how many results (default 5)') },
    },
    async ({ query, limit }) => {
      try {
        const hits = await ctx.memory().search(query, { limit: limit ?? 5 });
        const rows = hits.map((h) => ({ id: h.id, kind: h.kind, text: h.text, score: Number(h.score.toFixed(4)), project: h.project, agent: h.agent, source: h.source }));
        return text(JSON.stringify(rows, null, 2));
      } catch (err) {
        return text(`memory search failed: ${(err as Error).message}`, true);
      }
    },
  );
  server.registerTool(
    'memory_add',
    {
      title: 'Keep a lesson in the team memory',
      description:
        'Keep one lesson for later agents: a mistake to avoid, a pattern to follow, a decision and why, a preference, or a learning. One or two sentences that make sense without this conversation. A near-duplicate of an existing memory is merged into it. Returns {id, merged}.',
      inputSchema: { kind: z.enum(MEMORY_KINDS).describe('pattern | mistake | preference | learning | decision'), text: z.string().min(3).max(2000).describe('the lesson, self-contained') },
    },
    async ({ kind, text: body }) => {
      try {
        const m: NewMemory = { kind, text: body.trim() };
        for (const [k, v] of Object.entries(ctx.meta)) if (v) (m as unknown as Record<string, string>)[k] = v;
        const added = await ctx.memory().add(m);
        return text(JSON.stringify(added));
      } catch (err) {
        return text(`memory add failed: ${(err as Error).message}`, true);
      }
    },
  );
  return server;
}

/** Serves on standard input and output until the client closes them. */
export async function serveStdio(ctx: McpContext): Promise<void> {
  const server = createMemoryServer(ctx);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
}
