import type { PathStep } from '../rule.js';

/**
 * A Mermaid flowchart of a finding's path, top to bottom: layout → component → hook → procedure →
 * query. Each box shows its step and where it sits.
 */
export function mountPathDiagram(steps: readonly PathStep[], relative: (file: string) => string): string {
  const lines = ['flowchart TD'];
  steps.forEach((step, index) => {
    lines.push(`  step${index}["${mermaidText(step.label)}<br/>${mermaidText(`${relative(step.file)}:${step.line}`)}"]`);
    if (index > 0) lines.push(`  step${index - 1} --> step${index}`);
  });
  if (steps.length > 0) lines.push(`  style step${steps.length - 1} stroke:#d73a49,stroke-width:2px`);
  return lines.join('\n');
}

/** Inside a quoted label Mermaid reads `"`, `<` and `>` as syntax; its entity codes are safe. */
function mermaidText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\r?\n/g, ' ');
}
