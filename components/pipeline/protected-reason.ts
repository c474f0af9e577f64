/** Why the console's change buttons are disabled on a protected environment (until approvals exist). */
export function protectedReason(env: string): string {
  return `${env} is protected: changes there will need a request approved by a second person. Until that arrives, use the CLI with --confirm ${env}.`;
}
