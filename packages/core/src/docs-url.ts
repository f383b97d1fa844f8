/** Where a rule's docs page lives; every front derives links from here, never types them. */
export const DOCS_BASE_URL = 'https://github.com/premortem/premortem/blob/main/rules';

export function ruleDocsUrl(ruleName: string): string {
  return `${DOCS_BASE_URL}/${ruleName}/README.md`;
}
