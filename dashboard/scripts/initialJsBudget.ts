// Prints the JavaScript a browser must load before the first page shows — the entry chunk
// and every chunk it imports statically — gzipped, and fails the build above the budget.
// Lazily loaded pages are not counted: they arrive when first visited.
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** `budgetKb` in kB of 1,000 bytes, as Vite's own size report counts them. */
export function initialJsBudget(budgetKb: number): Plugin {
  return {
    name: "mia-initial-js-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const entries = Object.values(bundle).filter(
        (item) => item.type === "chunk" && item.isEntry,
      );
      const seen = new Set<string>();
      const pending = entries.map((chunk) => chunk.fileName);
      let gzipped = 0;
      while (pending.length > 0) {
        const name = pending.pop()!;
        const chunk = bundle[name];
        if (seen.has(name) || !chunk || chunk.type !== "chunk") continue;
        seen.add(name);
        gzipped += gzipSync(chunk.code, { level: 9 }).length;
        pending.push(...chunk.imports);
      }
      const kb = gzipped / 1000;
      const line = `initial JS: ${kb.toFixed(1)} kB gzip in ${seen.size} file(s) (budget ${budgetKb} kB)`;
      if (kb > budgetKb) this.error(`${line}: over budget`);
      console.log(`\n${line}`);
    },
  };
}
