// A scripted MCP client for the gateway's integration tests: the TypeScript SDK's Client over
// StdioClientTransport. Reads a JSON script (file given as the argument):
//   {command, args, env, cwd, steps: [{op: "list"} | {op: "call", name, arguments, cancelAfterMs}]}
// runs the steps in order against the server it starts (the gateway), and prints one JSON object
// on stdout: {serverName, steps: [...results], closed}. A failing step records its error and the
// run goes on; a step after the connection closed records that. It answers the server's
// roots/list requests with one root, file:///proctor-test-root.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const script = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const transport = new StdioClientTransport({
  command: script.command,
  args: script.args,
  env: { ...process.env, ...(script.env ?? {}) },
  cwd: script.cwd,
  stderr: 'inherit',
});
let closed = false;
const client = new Client(
  { name: 'proctor-test-client', version: '1.0.0' },
  { capabilities: { roots: { listChanged: false } } },
);
// The server's requests to the client come through the gateway too.
client.setRequestHandler(ListRootsRequestSchema, async () => ({
  roots: [{ uri: 'file:///proctor-test-root', name: 'test root' }],
}));
client.onclose = () => {
  closed = true;
};
const out = { steps: [] };
await client.connect(transport);
out.serverName = client.getServerVersion()?.name;
for (const step of script.steps) {
  try {
    if (step.op === 'list') {
      const r = await client.listTools();
      out.steps.push({ tools: r.tools.map((t) => t.name), raw: r });
    } else if (step.op === 'call') {
      const controller = new AbortController();
      if (step.cancelAfterMs !== undefined) {
        setTimeout(() => controller.abort('test cancels'), step.cancelAfterMs);
      }
      const r = await client.callTool(
        { name: step.name, arguments: step.arguments ?? {} },
        undefined,
        { signal: controller.signal, timeout: 60000 },
      );
      out.steps.push({
        isError: r.isError === true,
        text: (r.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n'),
      });
    } else if (step.op === 'wait') {
      await new Promise((resolve) => setTimeout(resolve, step.ms));
      out.steps.push({ waited: step.ms });
    } else {
      throw new Error(`unknown op ${step.op}`);
    }
  } catch (e) {
    out.steps.push({ error: String(e?.message ?? e), code: e?.code ?? null });
  }
}
out.closedBeforeEnd = closed;
await client.close();
process.stdout.write(JSON.stringify(out) + '\n');
