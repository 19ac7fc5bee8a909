// A small MCP server for the gateway's integration tests, written with the TypeScript SDK:
//   greet  - its description comes from $GREET_DESCRIPTION, so a test can change the definition
//            between runs (an MCP "rug pull")
//   sleep  - waits {ms}; when the client cancels it, writes "cancelled" to $CANCEL_MARK
//   crash  - the server process exits in the middle of the call
//   big    - answers with {bytes} characters of text
//   roots  - asks the client for its roots (a server-to-client request) in the middle of the call
//            and answers with their URIs
import { writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'proctor-test-server', version: '1.0.0' });

server.registerTool(
  'greet',
  {
    description: process.env.GREET_DESCRIPTION ?? 'Says hello to someone.',
    inputSchema: { name: z.string() },
  },
  async ({ name }) => ({ content: [{ type: 'text', text: `hello ${name}` }] }),
);

server.registerTool(
  'sleep',
  { description: 'Waits a number of milliseconds.', inputSchema: { ms: z.number() } },
  async ({ ms }, extra) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ content: [{ type: 'text', text: 'slept' }] }), ms);
      extra.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        if (process.env.CANCEL_MARK) {
          writeFileSync(process.env.CANCEL_MARK, 'cancelled');
        }
        resolve({ content: [{ type: 'text', text: 'cancelled' }] });
      });
    }),
);

server.registerTool(
  'crash',
  { description: 'Ends the server process in the middle of the call.', inputSchema: {} },
  async () => {
    setTimeout(() => process.exit(3), 50);
    return new Promise(() => {});
  },
);

server.registerTool(
  'big',
  { description: 'Answers with a long text.', inputSchema: { bytes: z.number() } },
  async ({ bytes }) => ({ content: [{ type: 'text', text: 'x'.repeat(bytes) }] }),
);

server.registerTool(
  'roots',
  { description: 'Lists the client roots.', inputSchema: {} },
  async () => {
    const { roots } = await server.server.listRoots();
    return { content: [{ type: 'text', text: roots.map((r) => r.uri).join(' ') }] };
  },
);

await server.connect(new StdioServerTransport());
