/** The metadata of a rule written for a test: none of it matters but the messages. */
export function testRuleMeta<Messages extends Record<string, string>>(messages: Messages) {
  return {
    description: 'test rule',
    type: 'problem' as const,
    recommended: 'recommended' as const,
    severity: 'error' as const,
    requiresTypeChecking: false,
    hasSuggestions: false,
    messages,
    schema: { type: 'object' as const, properties: {}, additionalProperties: false as const },
    defaultOptions: {},
  };
}
