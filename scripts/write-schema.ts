// Writes schema/agents.schema.json from the zod schema. Run after changing src/config/schema.ts:
//   node scripts/run.mjs scripts/write-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../src/config/schema.js';
import { packageRoot } from '../src/paths.js';

const out = join(packageRoot(), 'schema', 'agents.schema.json');
writeFileSync(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
